package dev.tessera.graph.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeDescriptorTest {

    @Test
    void builderKeepsInputsInOrderAndDefaultsDisplayName() {
        NodeDescriptor d = NodeDescriptor.builder("ImageScale")
                .category("image/upscaling")
                .input(InputSpec.link("image", ValueType.IMAGE))
                .input(InputSpec.integer("width", 512, 0, 16384, 1))
                .output("IMAGE", ValueType.IMAGE)
                .build();
        assertEquals("ImageScale", d.displayName());
        assertEquals(List.of("image", "width"), d.inputs().stream().map(InputSpec::name).toList());
        assertTrue(d.input("width").orElseThrow().hasWidget());
        assertFalse(d.input("image").orElseThrow().hasWidget());
        assertTrue(d.input("nope").isEmpty());
    }

    @Test
    void duplicateInputNamesAreRejected() {
        NodeDescriptor.Builder b = NodeDescriptor.builder("X")
                .input(InputSpec.integer("a", 0, 0, 1, 1))
                .input(InputSpec.bool("a", true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::build);
        assertTrue(e.getMessage().contains("'a'"), e.getMessage());
    }

    @Test
    void widgetsRejectDefaultsOutsideTheirRange() {
        assertThrows(IllegalArgumentException.class, () -> new Widget.IntWidget(5, 0, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> new Widget.FloatWidget(Double.NaN, 0, 1, 0.1, 0.01));
        assertThrows(IllegalArgumentException.class, () -> new Widget.IntWidget(0, 0, 4, 0));
    }

    @Test
    void comboOptionsAreReadAgainEachTime() {
        List<String> files = new ArrayList<>(List.of("a.safetensors"));
        InputSpec in = InputSpec.combo("ckpt_name", () -> List.copyOf(files), "b.safetensors");
        Widget.ComboWidget w = (Widget.ComboWidget) in.widget();
        assertEquals("a.safetensors", w.currentDefault(), "declared default absent: first option");
        files.add("b.safetensors");
        assertEquals(List.of("a.safetensors", "b.safetensors"), w.currentOptions());
        assertEquals("b.safetensors", w.currentDefault());
    }

    @Test
    void imageUploadCombosSayBothThingsPlainCombosNeither() {
        Widget.ComboWidget upload = (Widget.ComboWidget) InputSpec.imageUpload("image", () -> List.of("a.png")).widget();
        assertTrue(upload.imageUpload());
        assertTrue(upload.acceptsUnlisted());
        Widget.ComboWidget plain = (Widget.ComboWidget) InputSpec.combo("crop", List.of("disabled", "center")).widget();
        assertFalse(plain.imageUpload());
        assertFalse(plain.acceptsUnlisted());
    }

    @Test
    void comboTypeAndComboWidgetGoTogether() {
        assertThrows(IllegalArgumentException.class,
                () -> new InputSpec("x", ValueType.COMBO, false, new Widget.BooleanWidget(true), ""));
        assertThrows(IllegalArgumentException.class,
                () -> new InputSpec("x", ValueType.STRING, false, Widget.ComboWidget.of(List.of("a")), ""));
    }

    @Test
    void typesMatchByNameAndAnyMatchesAll() {
        assertTrue(ValueType.of("IMAGE").accepts(ValueType.IMAGE));
        assertFalse(ValueType.IMAGE.accepts(ValueType.LATENT));
        assertTrue(ValueType.ANY.accepts(ValueType.LATENT));
        assertThrows(IllegalArgumentException.class, () -> ValueType.of(" "));
    }

    @Test
    void nodeResultUiIsImmutableAndCopied() {
        NodeResult r = NodeResult.of("x").withUi("images", List.of(new ImageRef("a.png", null, "output")));
        assertEquals("", ((ImageRef) r.ui().get("images").get(0)).subfolder());
        assertThrows(UnsupportedOperationException.class, () -> r.values().set(0, "y"));
    }
}
