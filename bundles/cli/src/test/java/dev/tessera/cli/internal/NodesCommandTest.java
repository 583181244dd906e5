package dev.tessera.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.ValueType;
import dev.tessera.graph.api.Widget;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NodesCommandTest {

    @Test
    void describesTypeInputsWithWidgetsAndOutputs() {
        NodeDescriptor scale = NodeDescriptor.builder("ImageScale").displayName("Upscale Image").category("image/upscaling")
                .input(InputSpec.link("image", ValueType.IMAGE))
                .input(InputSpec.combo("crop", List.of("disabled", "center")))
                .input(InputSpec.integer("width", 512, 0, 16384, 1))
                .input(InputSpec.decimal("scale", 1.0, 0.01, 8.0, 0.01, 0.001).asOptional())
                .input(InputSpec.string("prefix", "Tessera", false))
                .input(InputSpec.bool("flip", false))
                .output("IMAGE", ValueType.IMAGE)
                .build();
        assertEquals(List.of(
                "ImageScale  (\"Upscale Image\", image/upscaling)",
                "  in   image              IMAGE",
                "  in   crop               COMBO  disabled | center",
                "  in   width              INT  default 512, 0..16384",
                "  in   scale              FLOAT  default 1.0, 0.01..8.0  (optional)",
                "  in   prefix             STRING  default \"Tessera\"",
                "  in   flip               BOOLEAN  default false",
                "  out  IMAGE              IMAGE"), NodesCommand.describe(scale));
    }

    @Test
    void outputNodeAndUnboundedRangesAreSaidInWords() {
        NodeDescriptor d = NodeDescriptor.builder("PrimitiveInt").category("utils/primitive")
                .input(InputSpec.integer("value", 0, -Long.MAX_VALUE, Long.MAX_VALUE, 1))
                .input(InputSpec.integer("seed", 0, 0, Long.MAX_VALUE, 1))
                .outputNode(true).build();
        assertEquals(List.of(
                "PrimitiveInt  (utils/primitive, output node)",
                "  in   value              INT  default 0, any",
                "  in   seed               INT  default 0, at least 0"), NodesCommand.describe(d));
    }

    @Test
    void longOptionListsAreCutAndCounted() {
        List<String> files = new ArrayList<>(IntStream.range(0, 20).mapToObj(i -> "m" + i + ".safetensors").toList());
        String shown = NodesCommand.widget(new Widget.ComboWidget(() -> files, null));
        assertEquals(String.join(" | ", files.subList(0, NodesCommand.MAX_OPTIONS)) + " | ... (20 options)", shown);
    }

    @Test
    void anOptionListThatFailsIsReportedInPlace() {
        String shown = NodesCommand.widget(new Widget.ComboWidget(() -> {
            throw new IllegalStateException("models folder unreadable");
        }, null));
        assertEquals("options unavailable: models folder unreadable", shown);
    }

    @Test
    void imageUploadIsMentioned() {
        String shown = NodesCommand.widget(new Widget.ComboWidget(() -> List.of("a.png"), null).withImageUpload());
        assertEquals("a.png  (image upload; other names checked by the node)", shown);
    }
}
