package dev.tessera.contextgen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.models.dit.BlockKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Token grids, pixel boxes on the grid, position ids, block assignment, the caption template, and bad input. */
class GeometryAndIdsTest {

    @Test
    void gridsAreSixteenPixelTokensAndOtherSizesAreRejectedByName() {
        assertEquals(new TokenGrid(48, 32), TokenGrid.ofPixels("output", 768, 512));
        InvalidContextGenInputException e = assertThrows(InvalidContextGenInputException.class,
                () -> TokenGrid.ofPixels("reference 2", 520, 512));
        assertEquals("reference 2", e.where());
        assertTrue(e.getMessage().contains("520x512") && e.getMessage().contains("multiple of 16"), e.getMessage());
        assertThrows(InvalidContextGenInputException.class, () -> TokenGrid.ofPixels("output", 0, 16));
        assertThrows(InvalidContextGenInputException.class, () -> TokenGrid.ofPixels("output", 8, 16));
    }

    @Test
    void boxesFloorTheirStartAndCeilTheirEnd() {
        TokenGrid canvas = TokenGrid.ofPixels("output", 192, 192);
        // Truncated first: (3, 7, 191, 60); then floor(3/16) 0, floor(7/16) 0, ceil(191/16) 12, ceil(60/16) 4.
        assertEquals(new TokenBox(0, 0, 12, 4), TokenBox.fromPixels("instance 0", 3.5, 7.2, 191.0, 60.1, canvas));
        assertEquals(new TokenBox(1, 1, 2, 2), TokenBox.fromPixels("instance 0", 16, 16, 32, 32, canvas));
        // 32.01 truncates to 32, which ends token 2 (ceil(32.01 / 16) would have been 3): (15, 16, 32, 33).
        assertEquals(new TokenBox(0, 1, 2, 3), TokenBox.fromPixels("instance 0", 15.99, 16, 32.01, 33, canvas));
    }

    @Test
    void boxesAreTruncatedAsTheReleasedInferenceCastsThemThenClipped() {
        // The authors' first demo box [346, 150, 668, 422] of a 1024 frame at their 768 output:
        // * 768 / 1024 = (259.5, 112.5, 501, 316.5) -> int32 (259, 112, 501, 316) -> tokens (16, 7, 32, 20).
        TokenGrid canvas = TokenGrid.ofPixels("output", 768, 768);
        PixelBox demo = PixelBox.of("instance 0", 346 * 0.75, 150 * 0.75, 668 * 0.75, 422 * 0.75, canvas);
        assertEquals(new PixelBox(259, 112, 501, 316), demo);
        assertEquals(new TokenBox(16, 7, 32, 20), demo.tokens());
        // A normalised box times the output may land a hair below a whole number: 1/3 * 768 is 256 to the authors.
        assertEquals(256, PixelBox.of("instance 0", 1.0 / 3 * 768, 0, 700, 10, canvas).x1());
        // Past the canvas: (-10.7, 700, 800.2, 790) -> (-10, 700, 800, 790) -> clipped (0, 700, 768, 768)
        // -> tokens (0, 43, 48, 48).
        PixelBox spill = PixelBox.of("instance 1", -10.7, 700, 800.2, 790, canvas);
        assertEquals(new PixelBox(0, 700, 768, 768), spill);
        assertEquals(new TokenBox(0, 43, 48, 48), spill.tokens());
    }

    @Test
    void boxesOutsideTheCanvasOrEmptyAreRejectedNamingTheInstance() {
        TokenGrid canvas = TokenGrid.ofPixels("output", 64, 64);
        InvalidContextGenInputException e = assertThrows(InvalidContextGenInputException.class,
                () -> TokenBox.fromPixels("instance 3", 70, 10, 90, 20, canvas));
        assertEquals("instance 3", e.where());
        assertTrue(e.getMessage().contains("64x64 canvas"), e.getMessage());
        // Reaching past an edge is clipped, not refused.
        assertEquals(new TokenBox(0, 0, 1, 1), TokenBox.fromPixels("instance 0", -1, 0, 5, 5, canvas));
        assertEquals(new TokenBox(0, 0, 4, 2), TokenBox.fromPixels("instance 0", 10, 10, 70, 20, canvas));
        assertThrows(InvalidContextGenInputException.class, () -> TokenBox.fromPixels("instance 0", 5, 0, 5, 5, canvas));
        // Thinner than a pixel: (10.2, .., 10.9) truncates to the empty [10, 10).
        InvalidContextGenInputException thin = assertThrows(InvalidContextGenInputException.class,
                () -> TokenBox.fromPixels("instance 2", 10.2, 10, 10.9, 20, canvas));
        assertEquals("instance 2", thin.where());
        assertThrows(InvalidContextGenInputException.class,
                () -> TokenBox.fromPixels("instance 0", Double.NaN, 0, 5, 5, canvas));
    }

    @Test
    void positionIdsFollowTheNotesWithCumulativeOffsets() {
        // text 2 | main 3x2 | layout 3x2 | ref0 2x1 | ref1 1x2
        TokenGrid canvas = new TokenGrid(3, 2);
        ContextGenSequence seq = ContextGenSequence.of(2, canvas, List.of(
                new ReferenceSlot(new TokenBox(0, 0, 1, 1), new TokenGrid(2, 1), new boolean[] {true, true}),
                new ReferenceSlot(new TokenBox(1, 0, 3, 2), new TokenGrid(1, 2), new boolean[] {true, false})));
        int[] expected = {
            0, 0, 0, 0, 0, 0, // text
            0, 0, 0, 0, 0, 1, 0, 0, 2, 0, 1, 0, 0, 1, 1, 0, 1, 2, // main (0, i, j)
            1, 0, 0, 1, 0, 1, 1, 0, 2, 1, 1, 0, 1, 1, 1, 1, 1, 2, // layout (1, i, j)
            1, 2, 3, 1, 2, 4, // ref0: rows offset by layout height 2, cols by layout width 3
            1, 3, 5, 1, 4, 5 // ref1: + ref0's height 1 and width 2
        };
        assertArrayEquals(expected, seq.positionIds());
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray f32 = seq.positionIds(manager, DataType.FLOAT32);
            assertEquals(new ai.djl.ndarray.types.Shape(seq.length(), 3), f32.getShape());
            NDArray f16 = seq.positionIds(manager, DataType.FLOAT16);
            assertEquals(DataType.FLOAT16, f16.getDataType());
            float[] back = f16.toType(DataType.FLOAT32, false).toFloatArray();
            for (int i = 0; i < expected.length; i++) assertEquals(expected[i], back[i]);
        }
        assertArrayEquals(new boolean[] {true, true, true, false}, seq.referenceTokenMasks());
    }

    @Test
    void referenceBoxOutsideTheGridIsNamed() {
        InvalidContextGenInputException e = assertThrows(InvalidContextGenInputException.class,
                () -> ContextGenSequence.of(1, new TokenGrid(2, 2), List.of(new ReferenceSlot(new TokenBox(0, 0, 1, 1),
                        new TokenGrid(1, 1), new boolean[] {true}), new ReferenceSlot(new TokenBox(1, 0, 3, 1),
                        new TokenGrid(1, 1), new boolean[] {true}))));
        assertEquals("reference 1", e.where());
    }

    @Test
    void paperAssignmentIsClaInDoubleBlocksAndIcaInTheFirstHalfOfSingleBlocks() {
        BlockAssignment flux = BlockAssignment.paper(38);
        for (int i = 0; i < 19; i++) assertEquals(ContextGenMask.CLA, flux.mode(BlockKind.DOUBLE, i));
        for (int i = 0; i < 19; i++) assertEquals(ContextGenMask.ICA, flux.mode(BlockKind.SINGLE, i), "single " + i);
        for (int i = 19; i < 38; i++) assertEquals(ContextGenMask.CLA, flux.mode(BlockKind.SINGLE, i), "single " + i);
        BlockAssignment tiny = BlockAssignment.paper(2); // the pack's tiny FLUX: single 0 ICA, single 1 CLA
        assertEquals(ContextGenMask.ICA, tiny.mode(BlockKind.SINGLE, 0));
        assertEquals(ContextGenMask.CLA, tiny.mode(BlockKind.SINGLE, 1));
        BlockAssignment custom = new BlockAssignment(ContextGenMask.ICA, 2, 4);
        assertEquals(ContextGenMask.ICA, custom.mode(BlockKind.DOUBLE, 7));
        assertEquals(ContextGenMask.CLA, custom.mode(BlockKind.SINGLE, 1));
        assertEquals(ContextGenMask.ICA, custom.mode(BlockKind.SINGLE, 3));
        assertEquals(ContextGenMask.CLA, custom.mode(BlockKind.SINGLE, 4));
        assertEquals(ContextGenMask.CLA, BlockAssignment.claOnly().mode(BlockKind.SINGLE, 0));
        assertThrows(IllegalArgumentException.class, () -> new BlockAssignment(ContextGenMask.CLA, 3, 2));
    }

    @Test
    void captionGoesIntoTheKontextEditTemplateWithoutALeadingPhotoOf() {
        String t = KontextCaption.template("A photo of a cat on a sofa");
        assertTrue(t.startsWith("Modify the image to depict 'a cat on a sofa'. While preserving the original layout,"),
                t);
        assertTrue(t.endsWith("Ensure the result appears natural and visually harmonious."), t);
        assertTrue(KontextCaption.template("two dogs").startsWith("Modify the image to depict 'two dogs'. "));
    }
}
