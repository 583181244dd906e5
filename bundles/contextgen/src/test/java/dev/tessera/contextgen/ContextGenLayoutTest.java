package dev.tessera.contextgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The CONTEXTGEN_LAYOUT value: validation before compute, the sequence it implies, reference sizing. */
class ContextGenLayoutTest {

    static Reference opaque(int w, int h) {
        float[] a = new float[w * h];
        java.util.Arrays.fill(a, 1f);
        return Reference.of("reference", w, h, new float[w * h * 3], a);
    }

    @Test
    void referencesAreResizedAsTheReleasedInferenceDoes() {
        assertEquals(512, Reference.baseSize(768, 768));
        assertEquals(256, Reference.baseSize(384, 1024));
        assertEquals(1024, Reference.baseSize(1040, 1040));
        assertArrayEquals(new int[] {512, 512}, Reference.uniformSize16(1000, 1000, 512));
        // 300x200 at base 512: k = sqrt(512^2 / 60000) = 2.0903; 627.1 -> 640, 418.06 -> 432.
        assertArrayEquals(new int[] {640, 432}, Reference.uniformSize16(300, 200, 512));
        Reference r = opaque(300, 200).resizedForOutput(768, 768);
        assertEquals(640, r.width());
        assertEquals(432, r.height());
        assertEquals(new TokenGrid(40, 27), r.grid("reference 0"));
    }

    @Test
    void instancesWithoutReferenceKeepTheirBoxButAddNoTokens() {
        ContextGenLayout layout = ContextGenLayout.of("a cat and a dog", 64, 32, List.of(
                new ContextGenLayout.Entry("a cat", 0, 0, 30, 30, Optional.of(opaque(32, 16))),
                new ContextGenLayout.Entry("a dog", 30, 0, 64, 32, Optional.empty())), null);
        ContextGenSequence seq = layout.sequence(5);
        assertArrayEquals(new int[] {5, 8, 8, 2}, seq.segmentLengths());
        assertEquals(new TokenBox(0, 0, 2, 2), seq.references().get(0).box());
        assertEquals(new TokenBox(1, 0, 4, 2), layout.tokenBox(1));
        assertTrue(layout.prompt().startsWith("Modify the image to depict 'a cat and a dog'."));
        float[] img = layout.layoutImageOrComposite();
        assertEquals(64 * 32 * 3, img.length);
    }

    @Test
    void badInputIsRejectedNamingWhere() {
        List<ContextGenLayout.Entry> one = List.of(new ContextGenLayout.Entry("x", 0, 0, 16, 16,
                Optional.of(opaque(32, 32))));
        InvalidContextGenInputException size = assertThrows(InvalidContextGenInputException.class,
                () -> ContextGenLayout.of("c", 100, 64, one, null));
        assertEquals("output", size.where());
        // A box past the edge is clipped to the canvas (as the released preprocessing's slices do); one wholly
        // outside is an error naming the instance.
        assertEquals(new PixelBox(0, 0, 64, 16), ContextGenLayout.of("c", 64, 64, List.of(new ContextGenLayout.Entry(
                "x", 0, 0, 65, 16, Optional.empty())), null).pixelBox(0));
        InvalidContextGenInputException box = assertThrows(InvalidContextGenInputException.class,
                () -> ContextGenLayout.of("c", 64, 64, List.of(new ContextGenLayout.Entry("x", 64, 0, 80, 16,
                        Optional.empty())), null));
        assertEquals("instance 0", box.where());
        InvalidContextGenInputException refSize = assertThrows(InvalidContextGenInputException.class,
                () -> ContextGenLayout.of("c", 64, 64, List.of(one.get(0), new ContextGenLayout.Entry("y", 0, 0, 8, 8,
                        Optional.of(opaque(40, 32)))), null));
        assertEquals("reference of instance 1", refSize.where());
        assertThrows(InvalidContextGenInputException.class, () -> ContextGenLayout.of("c", 64, 64, one,
                new float[10]));
        InvalidContextGenInputException transparent = assertThrows(InvalidContextGenInputException.class,
                () -> Reference.of("reference 3", 16, 16, new float[16 * 16 * 3], new float[16 * 16]));
        assertEquals("reference 3", transparent.where());
        assertTrue(transparent.getMessage().contains("fully transparent"), transparent.getMessage());
        assertThrows(InvalidContextGenInputException.class, () -> Reference.of("reference 0", 16, 16,
                new float[16 * 16 * 3], new float[8]));
    }

    @Test
    void contextImagesAreTheLayoutImageThenEachReferenceGreyOutsideItsMask() {
        float[] rgb = new float[32 * 16 * 3];
        java.util.Arrays.fill(rgb, 0.9f);
        float[] alpha = new float[32 * 16];
        for (int i = 0; i < 16; i++) alpha[i] = 1f; // only the first row is the subject
        alpha[16] = 0.49f;
        Reference r = Reference.of("reference 0", 32, 16, rgb, alpha);
        ContextGenLayout layout = ContextGenLayout.of("c", 64, 32, List.of(new ContextGenLayout.Entry("x", 0, 0, 32,
                16, Optional.of(r))), null);
        try (ai.djl.ndarray.NDManager manager = ai.djl.ndarray.NDManager.newBaseManager()) {
            List<ai.djl.ndarray.NDArray> images = layout.contextImages(manager, ai.djl.ndarray.types.DataType.FLOAT16);
            assertEquals(2, images.size());
            assertEquals(new ai.djl.ndarray.types.Shape(1, 32, 64, 3), images.get(0).getShape());
            assertEquals(new ai.djl.ndarray.types.Shape(1, 16, 32, 3), images.get(1).getShape());
            assertEquals(ai.djl.ndarray.types.DataType.FLOAT16, images.get(1).getDataType());
            float[] ref = images.get(1).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            assertEquals(0.9f, ref[0], 1e-3);
            assertEquals(0.9f, ref[3 * 15], 1e-3);
            assertEquals(0.5f, ref[3 * 16], 0f); // alpha 0.49: outside the binarized mask
            assertEquals(0.5f, ref[ref.length - 1], 0f);
            float[] lay = images.get(0).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            assertArrayEquals(layout.layoutImageOrComposite(), lay, 1e-3f);
        }
    }
}
