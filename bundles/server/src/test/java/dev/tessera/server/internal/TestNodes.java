package dev.tessera.server.internal;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.ImageRef;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.Preview;
import dev.tessera.graph.api.ValueType;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import javax.imageio.ImageIO;

/** Small real node types for the server's tests. */
public final class TestNodes {

    private TestNodes() {
    }

    /** A node type from a descriptor and a body. */
    public record Node(NodeDescriptor descriptor, BiFunction<NodeInputs, ExecutionContext, NodeResult> body)
            implements NodeType {
        @Override
        public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
            return body.apply(inputs, context);
        }
    }

    /** {@code Int{value}} -> INT. */
    public static Node intSource() {
        return new Node(NodeDescriptor.builder("Int").category("test")
                .input(InputSpec.integer("value", 0, -1000, 1000, 1)).output("INT", ValueType.INT).build(),
                (in, ctx) -> NodeResult.of(in.getInt("value")));
    }

    /** {@code Inc{value: INT link}} -> INT: the value plus one, for chains. */
    public static Node increment() {
        return new Node(NodeDescriptor.builder("Inc").category("test").input(InputSpec.link("value", ValueType.INT))
                .output("INT", ValueType.INT).build(), (in, ctx) -> NodeResult.of(in.getInt("value") + 1));
    }

    /** {@code ShowInt{value: INT link}}: an output node whose ui lists the value. */
    public static Node showInt() {
        return new Node(NodeDescriptor.builder("ShowInt").category("test").outputNode(true)
                .input(InputSpec.link("value", ValueType.INT)).build(),
                (in, ctx) -> NodeResult.of().withUi("values", List.of(in.getInt("value"))));
    }

    /**
     * {@code SavePng{value: INT link, filename_prefix}}: writes a 2x2 grey PNG whose grey level is the value into the
     * output folder as {@code <prefix>_<prompt id>.png} and lists it as an image.
     */
    public static Node savePng(Supplier<Path> outputFolder) {
        return new Node(NodeDescriptor.builder("SavePng").category("test").outputNode(true)
                .input(InputSpec.link("value", ValueType.INT))
                .input(InputSpec.string("filename_prefix", "test", false)).build(),
                (in, ctx) -> {
                    String name = in.getString("filename_prefix") + "_" + ctx.promptId() + ".png";
                    try {
                        Files.write(outputFolder.get().resolve(name), png((int) in.getInt("value")));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    return NodeResult.of().withUi("images", List.of(new ImageRef(name, "", "output")));
                });
    }

    /**
     * {@code Steps{value: INT link, steps}} -> INT: reports progress with a PNG preview each step and checks for
     * interrupts; each step first takes a permit from {@code gate}, so tests decide when it moves on.
     */
    public static Node steps(Semaphore gate) {
        return new Node(NodeDescriptor.builder("Steps").category("test")
                .input(InputSpec.link("value", ValueType.INT))
                .input(InputSpec.integer("steps", 2, 1, 100, 1)).output("INT", ValueType.INT).build(),
                (in, ctx) -> {
                    long steps = in.getInt("steps");
                    for (long i = 1; i <= steps; i++) {
                        try {
                            if (!gate.tryAcquire(20, TimeUnit.SECONDS)) throw new IllegalStateException("test gate never opened");
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                        ctx.checkInterrupted();
                        ctx.progress(i, steps, new Preview(Preview.Format.PNG, png((int) i)));
                    }
                    return NodeResult.of(in.getInt("value") + steps);
                });
    }

    /** {@code Fail{value: INT link}} -> INT: always throws a NodeException naming its input. */
    public static Node fail() {
        return new Node(NodeDescriptor.builder("Fail").category("test")
                .input(InputSpec.link("value", ValueType.INT)).output("INT", ValueType.INT).build(),
                (in, ctx) -> {
                    throw new NodeException("bad_value", "value", "Fail refuses " + in.getInt("value"));
                });
    }

    /** A 2x2 grey PNG. */
    public static byte[] png(int grey) {
        BufferedImage img = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        int g = Math.floorMod(grey, 256);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 2; x++) img.getRaster().setSample(x, y, 0, g);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
