package dev.tessera.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class BoxTest {

    @Test
    void boxSpillingOverTheEdgeIsClippedToTheCanvas() {
        Box b = Box.clipped(0, -0.1, 0.2, 1.3, 0.9);
        assertEquals(new Box(0, 0.2, 1, 0.9), b);
    }

    @Test
    void reversedBoxIsRejectedNamingTheInstance() {
        InvalidLayoutException e = assertThrows(InvalidLayoutException.class, () -> Box.clipped(3, 0.5, 0.1, 0.4, 0.9));
        assertEquals(OptionalInt.of(3), e.instanceIndex());
        assertTrue(e.getMessage().startsWith("instance 3: "), e.getMessage());
        assertTrue(e.getMessage().contains("x2 <= x1 (reversed)"), e.getMessage());
    }

    @Test
    void zeroAreaBoxIsRejected() {
        InvalidLayoutException e = assertThrows(InvalidLayoutException.class, () -> Box.clipped(0, 0.2, 0.4, 0.6, 0.4));
        assertTrue(e.getMessage().contains("zero height"), e.getMessage());
    }

    @Test
    void nanAndInfinityAreRejectedNamingTheCoordinate() {
        InvalidLayoutException nan = assertThrows(InvalidLayoutException.class,
                () -> Box.clipped(7, 0.1, Double.NaN, 0.5, 0.5));
        assertTrue(nan.getMessage().contains("instance 7") && nan.getMessage().contains("y1 = NaN"), nan.getMessage());
        InvalidLayoutException inf = assertThrows(InvalidLayoutException.class,
                () -> Box.clipped(1, 0.1, 0.1, Double.POSITIVE_INFINITY, 0.5));
        assertTrue(inf.getMessage().contains("x2 = Infinity"), inf.getMessage());
    }

    @Test
    void boxWhollyOffTheCanvasIsRejectedWithAPixelHint() {
        InvalidLayoutException e = assertThrows(InvalidLayoutException.class, () -> Box.clipped(2, 40, 60, 200, 300));
        assertTrue(e.getMessage().contains("outside the canvas"), e.getMessage());
        assertTrue(e.getMessage().contains("look like pixels"), e.getMessage());
    }

    @Test
    void pixelBoxesAreNormalisedAndClippedToTheFrame() {
        assertEquals(new Box(0.25, 0.5, 1, 1), Box.fromPixels(0, 128, 192, 600, 400, 512, 384));
        InvalidLayoutException e = assertThrows(InvalidLayoutException.class,
                () -> Box.fromPixels(4, 600, 10, 700, 20, 512, 512));
        assertTrue(e.getMessage().contains("instance 4") && e.getMessage().contains("512x512"), e.getMessage());
        assertThrows(InvalidLayoutException.class, () -> Box.fromPixels(0, 1, 1, 2, 2, 0, 512));
    }

    @Test
    void strictConstructorRefusesOutOfRangeNumbers() {
        assertThrows(InvalidLayoutException.class, () -> new Box(0, 0, 1.01, 1));
        assertThrows(InvalidLayoutException.class, () -> new Box(0.5, 0, 0.5, 1));
    }

    @Test
    void geometry() {
        Box a = new Box(0, 0, 0.5, 0.5);
        Box b = new Box(0.5, 0, 1, 0.5);
        Box c = new Box(0.25, 0.25, 0.75, 0.75);
        assertFalse(a.overlaps(b), "touching edges do not overlap");
        assertEquals(0.0625, a.intersectionArea(c), 1e-12);
        assertEquals(new Box(0, 0, 1, 0.5), a.union(b));
        assertEquals(0.25, a.area(), 0);
        assertEquals(0.75, b.centerX(), 0);
    }
}
