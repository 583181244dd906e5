package dev.tessera.contextgen.internal.nodes;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.tessera.contextgen.ContextGenLayout;
import dev.tessera.contextgen.ContextGenSequence;
import dev.tessera.contextgen.Reference;
import dev.tessera.contextgen.ReferenceSet;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.MaskBatch;
import dev.tessera.layout.Box;
import dev.tessera.layout.ImageSource;
import dev.tessera.layout.Instance;
import dev.tessera.layout.Layout;
import dev.tessera.testing.CpuRuntime;
import dev.tessera.testing.DirFolders;
import dev.tessera.testing.MapInputs;
import dev.tessera.testing.RecordingContext;
import dev.tessera.testing.RunScope;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ReferenceImage, ContextGenLayout and ComposeLayoutImage called as the engine calls them, on CPU tensors. */
class NodesTest {

    @TempDir
    Path home;
    private CpuRuntime tensors;
    private final RunScope scope = new RunScope();
    private final RecordingContext context = new RecordingContext(scope);

    @BeforeEach
    void setUp() throws Exception {
        tensors = new CpuRuntime();
        Files.createDirectories(home.resolve("input"));
    }

    @AfterEach
    void tearDown() throws Exception {
        scope.close();
        tensors.close();
    }

    /** A w x h image, colour by position, and LoadImage's mask (1 - alpha) with an opaque centred square. */
    private ImageBatch image(int w, int h) {
        float[] rgb = new float[w * h * 3];
        for (int i = 0; i < rgb.length; i++) rgb[i] = (i % 7) / 7f;
        return ImageBatch.of(tensors.base(), tensors.base().create(rgb, new Shape(1, h, w, 3)));
    }

    private MaskBatch transparencyMask(int w, int h, int border) {
        float[] m = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                boolean opaque = x >= border && x < w - border && y >= border && y < h - border;
                m[y * w + x] = opaque ? 0f : 1f;
            }
        }
        return MaskBatch.of(tensors.base(), tensors.base().create(m, new Shape(1, h, w)));
    }

    private ReferenceSet reference(ReferenceSet before, int w, int h) {
        MapInputs in = new MapInputs().with("image", image(w, h))
                .with("mask", transparencyMask(w, h, 8)).with("mask_means", "transparency");
        if (before != null) in.with("references", before);
        return (ReferenceSet) new ReferenceImageNode().execute(in, context).value(0);
    }

    @Test
    void referenceImageTurnsLoadImagesMaskIntoAlphaAndChainsInOrder() {
        ReferenceSet one = reference(null, 64, 48);
        ReferenceSet two = reference(one, 32, 32);
        assertEquals(2, two.size());
        assertEquals(64, two.get(0).width());
        assertEquals(32, two.get(1).width());
        float[] alpha = two.get(0).alpha();
        assertEquals(0f, alpha[0]);
        assertEquals(1f, alpha[20 * 64 + 20]);
    }

    @Test
    void referenceImageWithoutAlphaOrMaskFailsNamingTheInputAndIndex() {
        ReferenceSet one = reference(null, 32, 32);
        NodeException none = assertThrows(NodeException.class, () -> new ReferenceImageNode().execute(
                new MapInputs().with("image", image(32, 32)).with("mask_means", "transparency")
                        .with("references", one), context));
        assertEquals("mask", none.inputName());
        assertTrue(none.getMessage().contains("reference 1 has no alpha or mask"), none.getMessage());
        NodeException rgbFile = assertThrows(NodeException.class, () -> new ReferenceImageNode().execute(
                new MapInputs().with("image", image(32, 32)).with("mask_means", "transparency")
                        .with("mask", MaskBatch.zeros(tensors.base(), 1, 64, 64, tensors.device())), context));
        assertTrue(rgbFile.getMessage().contains("no alpha channel"), rgbFile.getMessage());
        NodeException clear = assertThrows(NodeException.class, () -> new ReferenceImageNode().execute(
                new MapInputs().with("image", image(32, 32)).with("mask_means", "foreground")
                        .with("mask", MaskBatch.zeros(tensors.base(), 1, 32, 32, tensors.device())), context));
        assertTrue(clear.getMessage().contains("reference 0") && clear.getMessage().contains("fully transparent"),
                clear.getMessage());
    }

    private Layout twoInstances() {
        return Layout.builder("a photo of a teapot and a cup").add("a teapot", new Box(0, 0, 0.5, 0.5))
                .add("a cup", new Box(0.4, 0.4, 1, 1)).build();
    }

    private MapInputs layoutInputs(Layout layout, ReferenceSet refs, int w, int h) {
        MapInputs in = new MapInputs().with("layout", layout).with("width", (long) w)
                .with("height", (long) h).with("reference_size", 0L);
        if (refs != null) in.with("references", refs);
        return in;
    }

    @Test
    void contextGenLayoutBindsReferencesResizesThemAndGivesTheKontextPrompt() {
        ReferenceSet refs = reference(reference(null, 64, 48), 32, 32);
        NodeResult r = new ContextGenLayoutNode(new DirFolders(home)).execute(
                layoutInputs(twoInstances(), refs, 256, 192), context);
        ContextGenLayout layout = (ContextGenLayout) r.value(0);
        assertEquals("Modify the image to depict 'a teapot and a cup'.", ((String) r.value(1)).substring(0, 48));
        // 192 shorter side -> references to about 256^2: 64x48 -> 304x224 (k = 4.62), 32x32 -> 256x256.
        List<Reference> sized = layout.references();
        assertArrayEquals(new int[] {304, 224}, new int[] {sized.get(0).width(), sized.get(0).height()});
        assertArrayEquals(new int[] {256, 256}, new int[] {sized.get(1).width(), sized.get(1).height()});
        ContextGenSequence seq = layout.sequence(512);
        assertArrayEquals(new int[] {512, 192, 192, 19 * 14, 16 * 16}, seq.segmentLengths());
    }

    @Test
    void contextGenLayoutRejectsMoreReferencesThanInstancesAndBadSizesBeforeCompute() {
        ReferenceSet three = reference(reference(reference(null, 32, 32), 32, 32), 32, 32);
        ContextGenLayoutNode node = new ContextGenLayoutNode(new DirFolders(home));
        NodeException many = assertThrows(NodeException.class, () -> node.execute(
                layoutInputs(twoInstances(), three, 256, 256), context));
        assertEquals("references", many.inputName());
        assertTrue(many.getMessage().contains("3 references but the layout has 2 instances; reference 2"),
                many.getMessage());
        NodeException size = assertThrows(NodeException.class, () -> node.execute(
                layoutInputs(twoInstances(), null, 250, 256), context));
        assertEquals("width", size.inputName());
        List<InputProblem> problems = node.validate(new MapInputs().with("width", 250L)
                .with("height", 256L).with("reference_size", 0L));
        assertEquals(1, problems.size());
        assertEquals("width", problems.get(0).input());
        // A layout image of another size is resized to the output, not refused: a constant colour stays that
        // colour in 8 bits (LANCZOS weights sum to one), 0.2 -> 51/255.
        float[] grey = new float[128 * 128 * 3];
        java.util.Arrays.fill(grey, 0.2f);
        ContextGenLayout resized = (ContextGenLayout) node.execute(layoutInputs(twoInstances(), null, 256, 256)
                .with("layout_image", ImageBatch.of(tensors.base(), tensors.base().create(grey,
                        new Shape(1, 128, 128, 3)))), context).value(0);
        float[] got = resized.layoutImage().orElseThrow();
        assertEquals(256 * 256 * 3, got.length);
        for (float v : got) assertEquals(51 / 255f, v);
    }

    @Test
    void aSegmentInfoLayoutImageIsUsedResizedWithTransparencyGreyAndItsBoxesTruncated() throws Exception {
        // 32x32 RGBA, colour (200, 100, 50) everywhere, opaque only where x < 16.
        BufferedImage rgba = new BufferedImage(32, 32, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) rgba.setRGB(x, y, (x < 16 ? 0xFF000000 : 0) | 0xC86432);
        }
        Files.createDirectories(home.resolve("input/demo"));
        ImageIO.write(rgba, "png", home.resolve("input/demo/layout.png").toFile());
        String json = """
                [{"caption": "a man", "width": 1024, "layout_image": "demo/layout.png",
                  "instances": [{"bbox": [346, 150, 668, 422], "label": "man", "phrase": "a man"}]}]""";
        Layout layout = dev.tessera.layout.ContextGenSegmentInfo.read(json);
        ContextGenLayoutNode node = new ContextGenLayoutNode(new DirFolders(home));
        ContextGenLayout bound = (ContextGenLayout) node.execute(layoutInputs(layout, null, 768, 768), context)
                .value(0);
        // The named image, not a composite: 32 -> 768, alpha NEAREST reads source floor((x + 0.5) / 24) < 16 for
        // x < 384, so the left half keeps the colour (LANCZOS keeps a constant) and the right half is grey.
        float[] image = bound.layoutImage().orElseThrow();
        for (int x : new int[] {0, 383, 384, 767}) {
            int p = 3 * (400 * 768 + x);
            float[] expected = x < 384 ? new float[] {200 / 255f, 100 / 255f, 50 / 255f}
                    : new float[] {0.5f, 0.5f, 0.5f};
            assertArrayEquals(expected, new float[] {image[p], image[p + 1], image[p + 2]}, "x " + x);
        }
        // [346, 150, 668, 422] * 768 / 1024 cast to int32 as inference.py does: (259, 112, 501, 316).
        assertEquals(new dev.tessera.contextgen.PixelBox(259, 112, 501, 316), bound.pixelBox(0));
        assertEquals(new dev.tessera.contextgen.TokenBox(16, 7, 32, 20), bound.tokenBox(0));

        // A linked layout_image wins over the named file.
        float[] grey = new float[768 * 768 * 3];
        java.util.Arrays.fill(grey, 0.25f);
        ContextGenLayout linked = (ContextGenLayout) node.execute(layoutInputs(layout, null, 768, 768)
                .with("layout_image", ImageBatch.of(tensors.base(), tensors.base().create(grey,
                        new Shape(1, 768, 768, 3)))), context).value(0);
        assertEquals(0.25f, linked.layoutImage().orElseThrow()[0]);

        // A missing or unreadable named layout image is an error naming the file.
        Layout missing = dev.tessera.layout.ContextGenSegmentInfo.read(json.replace("demo/layout.png",
                "demo/nowhere.png"));
        NodeException e = assertThrows(NodeException.class, () -> node.execute(layoutInputs(missing, null, 768, 768),
                context));
        assertEquals("layout", e.inputName());
        assertTrue(e.getMessage().contains("demo/nowhere.png"), e.getMessage());
        Files.writeString(home.resolve("input/demo/broken.png"), "not a png");
        Layout broken = dev.tessera.layout.ContextGenSegmentInfo.read(json.replace("demo/layout.png",
                "demo/broken.png"));
        e = assertThrows(NodeException.class, () -> node.execute(layoutInputs(broken, null, 768, 768), context));
        assertTrue(e.getMessage().contains("demo/broken.png"), e.getMessage());
    }

    @Test
    void referencesNamedByTheLayoutAreReadFromTheInputFolderAndNeedAlpha() throws Exception {
        BufferedImage rgba = new BufferedImage(48, 32, BufferedImage.TYPE_INT_ARGB);
        for (int y = 8; y < 24; y++) for (int x = 8; x < 40; x++) rgba.setRGB(x, y, 0xFFFF0000);
        ImageIO.write(rgba, "png", home.resolve("input/teapot.png").toFile());
        BufferedImage rgb = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        ImageIO.write(rgb, "png", home.resolve("input/cup.png").toFile());
        Layout good = Layout.builder("x").add(Instance.of("a teapot", new Box(0, 0, 0.5, 0.5))
                .withReference(new ImageSource.File("teapot.png"))).build();
        ContextGenLayoutNode node = new ContextGenLayoutNode(new DirFolders(home));
        ContextGenLayout layout = (ContextGenLayout) node.execute(layoutInputs(good, null, 128, 128), context).value(0);
        assertEquals(1, layout.references().size());
        Layout bad = Layout.builder("x").add(Instance.of("a teapot", new Box(0, 0, 0.5, 0.5))
                .withReference(new ImageSource.File("teapot.png"))).add(Instance.of("a cup", new Box(0.5, 0.5, 1, 1))
                .withReference(new ImageSource.File("cup.png"))).build();
        NodeException noAlpha = assertThrows(NodeException.class, () -> node.execute(
                layoutInputs(bad, null, 128, 128), context));
        assertEquals("layout", noAlpha.inputName());
        assertTrue(noAlpha.getMessage().contains("reference 1 (cup.png) has no alpha"), noAlpha.getMessage());
    }

    @Test
    void composeLayoutImageGivesTheCompositeAsAnImage() {
        ReferenceSet refs = reference(reference(null, 64, 48), 32, 32);
        ContextGenLayout layout = (ContextGenLayout) new ContextGenLayoutNode(new DirFolders(home))
                .execute(layoutInputs(twoInstances(), refs, 128, 96), context).value(0);
        try (ImageBatch out = (ImageBatch) new ComposeLayoutImageNode(tensors).execute(
                new MapInputs().with("contextgen_layout", layout), context).value(0)) {
            NDArray px = out.pixels();
            assertEquals(new Shape(1, 96, 128, 3), px.getShape());
            assertArrayEquals(layout.layoutImageOrComposite(), px.toFloatArray());
            float[] all = px.toFloatArray();
            assertEquals(0.5f, all[all.length - 1], "a corner outside both boxes stays grey");
        }
    }

    @Test
    void contextGensOwnSegmentInfoRunsWithItsReferenceAndMaskFiles() throws Exception {
        // A reference without alpha plus a separate white-on-black mask, and an RGBA one, as the released inputs.
        BufferedImage dog = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        BufferedImage dogMask = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
        for (int y = 16; y < 48; y++) for (int x = 16; x < 48; x++) dogMask.setRGB(x, y, 0xFFFFFF);
        BufferedImage woman = new BufferedImage(48, 96, BufferedImage.TYPE_INT_ARGB);
        for (int y = 0; y < 96; y++) for (int x = 8; x < 40; x++) woman.setRGB(x, y, 0xFF00FF00);
        ImageIO.write(dog, "png", home.resolve("input/12_dog.png").toFile());
        ImageIO.write(dogMask, "png", home.resolve("input/12_dog_mask.png").toFile());
        ImageIO.write(woman, "png", home.resolve("input/15_woman.png").toFile());
        Layout layout = dev.tessera.layout.ContextGenSegmentInfo.read("""
                {"caption": "A photo of a woman walking a dog", "width": 512, "instances": [
                  {"image": "12_dog.png", "mask": "12_dog_mask.png", "bbox": [40, 300, 200, 500], "phrase": "a dog"},
                  {"image": "15_woman.png", "bbox": [220, 20, 460, 508], "phrase": "a woman"}]}
                """);
        NodeResult r = new ContextGenLayoutNode(new DirFolders(home)).execute(new MapInputs().with("layout", layout)
                .with("width", 0L).with("height", 0L).with("reference_size", 0L), context);
        ContextGenLayout cg = (ContextGenLayout) r.value(0);
        assertEquals(512, cg.width());
        assertEquals(512, cg.height());
        // 512 output -> references at about 384^2: 64x64 -> 384x384, 48x96 -> 272x544.
        assertArrayEquals(new int[] {384, 384, 272, 544}, new int[] {cg.references().get(0).width(),
                cg.references().get(0).height(), cg.references().get(1).width(), cg.references().get(1).height()});
        assertEquals(new dev.tessera.contextgen.TokenBox(2, 18, 13, 32), cg.tokenBox(0));
        assertTrue(((String) r.value(1)).startsWith("Modify the image to depict 'a woman walking a dog'."));
        ContextGenSequence seq = cg.sequence(512);
        assertEquals(512 + 2 * 32 * 32 + 24 * 24 + 17 * 34, seq.length());
        // The dog's mask covers the middle half of its reference: its corner tokens are background.
        boolean[] dogFg = seq.references().get(0).foreground();
        assertTrue(!dogFg[0] && dogFg[12 * 24 + 12], "corner out, centre in");
    }
}
