package dev.tessera.layout.internal.nodes;

import static dev.tessera.layout.internal.nodes.LayoutNodes.HEIGHT;
import static dev.tessera.layout.internal.nodes.LayoutNodes.WIDTH;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.layout.InvalidLayoutException;
import dev.tessera.layout.LayoutParser;
import dev.tessera.layout.ParseRequest;
import dev.tessera.tokenizers.PromptLimits;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/** A prompt to a LAYOUT with one of the registered {@link LayoutParser}s (rule-based unless another is chosen). */
@Component(service = NodeType.class)
public final class LayoutFromTextNode implements NodeType {

    static final String PROMPT = "prompt";
    static final String PARSER = "parser";
    static final String DEFAULT_PARSER = "rule-based";

    private final LayoutParsers parsers = new LayoutParsers();
    private final NodeDescriptor descriptor = NodeDescriptor.builder("LayoutFromText")
            .displayName("Layout from Text")
            .category(LayoutNodes.CATEGORY)
            .description("Lays out the things a prompt mentions: one instance per subject with a box, the prompt as"
                    + " the caption.")
            .input(InputSpec.string(PROMPT, "", true).withTooltip(
                    "The prompt, e.g. 'a red apple left of a blue cup'."))
            .input(InputSpec.combo(PARSER, parsers::ids, DEFAULT_PARSER).withTooltip(
                    "The layout parser; rule-based needs no model."))
            .input(LayoutNodes.side(WIDTH, "The canvas width in pixels; the aspect ratio shapes the boxes."))
            .input(LayoutNodes.side(HEIGHT, "The canvas height in pixels; the aspect ratio shapes the boxes."))
            .output("LAYOUT", ValueType.LAYOUT)
            .build();

    @Activate
    public LayoutFromTextNode() {
        // Parsers arrive through addParser, before and after activation.
    }

    /** Dynamic: a parser bundle that starts or stops changes the choice without restarting this node. */
    @Reference(service = LayoutParser.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY, unbind = "removeParser")
    void addParser(LayoutParser parser) {
        parsers.add(parser);
    }

    void removeParser(LayoutParser parser) {
        parsers.remove(parser);
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    /**
     * Only a blank prompt or one over CLIPTextEncode's character limit is refused here (the server answers 400
     * before queueing): running a parser at validation could mean running a model, so what the parser itself
     * rejects is reported when the node executes.
     */
    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        List<InputProblem> problems = new ArrayList<>(
                LayoutNodes.notBlank(widgetValues, PROMPT, "a prompt that mentions what to lay out"));
        String tooLong = widgetValues.has(PROMPT)
                ? PromptLimits.fromSystemProperties().charProblem(widgetValues.getString(PROMPT)) : null;
        if (tooLong != null) problems.add(InputProblem.of(PROMPT, tooLong));
        return problems;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        String prompt = inputs.getString(PROMPT);
        if (prompt.isBlank()) {
            throw NodeException.invalidInput(PROMPT, "is empty; expected a prompt that mentions what to lay out");
        }
        // A prompt from a link was not checked at validation.
        String tooLong = PromptLimits.fromSystemProperties().charProblem(prompt);
        if (tooLong != null) throw NodeException.invalidInput(PROMPT, tooLong);
        String id = inputs.getString(PARSER);
        LayoutParser parser = parsers.byId(id).orElseThrow(() -> NodeException.invalidInput(PARSER,
                "no layout parser '" + id + "' is registered; expected one of " + parsers.ids()));
        ParseRequest request = new ParseRequest(prompt, LayoutNodes.sideValue(inputs, WIDTH, LayoutNodes.MIN_SIDE),
                LayoutNodes.sideValue(inputs, HEIGHT, LayoutNodes.MIN_SIDE));
        try {
            return NodeResult.of(parser.parse(request));
        } catch (InvalidLayoutException e) {
            throw LayoutNodes.invalid(PROMPT, e);
        }
    }
}
