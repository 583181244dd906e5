package dev.tessera.layout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.api.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class LayoutTest {

    @Test
    void blankPhraseIsRejectedWithItsIndex() {
        List<Instance> instances = List.of(Instance.of("a cat", Box.FULL), Instance.of("  ", Box.FULL));
        InvalidLayoutException e = assertThrows(InvalidLayoutException.class, () -> Layout.of("x", instances));
        assertEquals(OptionalInt.of(1), e.instanceIndex());
        assertTrue(e.getMessage().contains("phrase is empty"), e.getMessage());
    }

    @Test
    void sizeHintMustBePositive() {
        assertThrows(InvalidLayoutException.class, () -> Layout.builder("x").size(0, 512));
    }

    @Test
    void thereIsNoCapOnInstances() {
        List<Instance> many = new ArrayList<>();
        for (int i = 0; i < 300; i++) many.add(Instance.of("dot " + i, new Box(0, 0, 0.5, 0.5)));
        assertEquals(300, Layout.of("dots", many).size());
    }

    @Test
    void valuesCompareByContent() {
        Layout a = Layout.builder("c").size(512, 512).add("a cat", new Box(0, 0, 0.5, 0.5)).build();
        Layout b = Layout.builder("c").size(512, 512).add("a cat", new Box(0, 0, 0.5, 0.5)).build();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, a.toBuilder().size(768, 768).build());
        assertEquals(a, a.toBuilder().build());
    }

    @Test
    void graphValuesAreHeldByReference() {
        Object image = new int[] {1, 2, 3};
        Instance i = Instance.of("a cat", Box.FULL).withReference(new ImageSource.Value(ValueType.IMAGE, image));
        ImageSource.Value v = (ImageSource.Value) i.reference().orElseThrow();
        assertTrue(v.as(int[].class) == image);
        InvalidLayoutException e = assertThrows(InvalidLayoutException.class, () -> v.as(String.class));
        assertTrue(e.getMessage().contains("expected a java.lang.String"), e.getMessage());
    }
}
