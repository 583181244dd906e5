package dev.tessera.graph.api;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a node type declares about itself: its id (ComfyUI's {@code class_type}), how the editor shows it, its typed
 * inputs and outputs, and whether it is an output node (one that the host runs for its effect, such as SaveImage).
 */
public record NodeDescriptor(
        String typeId,
        String displayName,
        String category,
        String description,
        List<InputSpec> inputs,
        List<OutputSpec> outputs,
        boolean outputNode) {

    public NodeDescriptor {
        Objects.requireNonNull(typeId, "typeId");
        if (typeId.isBlank()) throw new IllegalArgumentException("type id must not be blank");
        displayName = displayName == null || displayName.isBlank() ? typeId : displayName;
        category = category == null ? "" : category;
        description = description == null ? "" : description;
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        Set<String> names = new LinkedHashSet<>();
        for (InputSpec in : inputs) {
            if (!names.add(in.name())) {
                throw new IllegalArgumentException(typeId + ": input '" + in.name() + "' declared twice");
            }
        }
    }

    public Optional<InputSpec> input(String name) {
        return inputs.stream().filter(i -> i.name().equals(name)).findFirst();
    }

    public static Builder builder(String typeId) {
        return new Builder(typeId);
    }

    public static final class Builder {
        private final String typeId;
        private String displayName;
        private String category = "";
        private String description = "";
        private final List<InputSpec> inputs = new ArrayList<>();
        private final List<OutputSpec> outputs = new ArrayList<>();
        private boolean outputNode;

        private Builder(String typeId) {
            this.typeId = typeId;
        }

        public Builder displayName(String name) {
            this.displayName = name;
            return this;
        }

        public Builder category(String category) {
            this.category = category;
            return this;
        }

        public Builder description(String description) {
            this.description = description;
            return this;
        }

        public Builder input(InputSpec input) {
            inputs.add(input);
            return this;
        }

        public Builder output(String name, ValueType type) {
            outputs.add(OutputSpec.of(name, type));
            return this;
        }

        public Builder output(OutputSpec output) {
            outputs.add(output);
            return this;
        }

        public Builder outputNode(boolean outputNode) {
            this.outputNode = outputNode;
            return this;
        }

        public NodeDescriptor build() {
            return new NodeDescriptor(typeId, displayName, category, description, inputs, outputs, outputNode);
        }
    }
}
