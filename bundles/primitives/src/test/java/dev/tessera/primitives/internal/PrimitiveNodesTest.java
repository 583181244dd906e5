package dev.tessera.primitives.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.Preview;
import dev.tessera.graph.api.ResourceScope;
import dev.tessera.graph.api.ValueType;
import dev.tessera.graph.api.Widget;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Ranges and names as comfy_extras/nodes_primitive.py declares them; values pass through unchanged. */
class PrimitiveNodesTest {

    /** One input named "value". */
    private record ValueInput(Object value) implements NodeInputs {
        @Override public Set<String> names() { return Set.of("value"); }
        @Override public boolean has(String name) { return name.equals("value"); }
        @Override public <T> T get(String name, Class<T> type) {
            if (!has(name)) throw new NodeException("required_input_missing", name, "missing");
            if (!type.isInstance(value)) throw new NodeException("return_type_mismatch", name, "not a " + type);
            return type.cast(value);
        }
    }

    /** The primitives use nothing of the context. */
    private static final ExecutionContext CONTEXT = new ExecutionContext() {
        @Override public String nodeId() { return "1"; }
        @Override public String promptId() { return "p"; }
        @Override public void progress(long value, long max) { }
        @Override public void progress(long value, long max, Preview preview) { }
        @Override public boolean isInterrupted() { return false; }
        @Override public ResourceScope scope() {
            return new ResourceScope() {
                @Override public <T extends AutoCloseable> T attach(T resource) { return resource; }
                @Override public <T extends AutoCloseable> T shared(Object key, Supplier<T> factory) { return factory.get(); }
            };
        }
        @Override public Optional<String> workflowJson() { return Optional.empty(); }
        @Override public Map<String, String> extraPngInfo() { return Map.of(); }
    };

    private static void assertShape(NodeType node, String id, String display, ValueType type) {
        NodeDescriptor d = node.descriptor();
        assertEquals(id, d.typeId());
        assertEquals(display, d.displayName());
        assertEquals("utils/primitive", d.category());
        assertEquals(List.of("value"), d.inputs().stream().map(i -> i.name()).toList());
        assertEquals(type, d.input("value").orElseThrow().type());
        assertEquals(1, d.outputs().size());
        assertEquals(type, d.outputs().get(0).type());
        assertEquals(type.name(), d.outputs().get(0).name());
        assertFalse(d.outputNode());
    }

    @Test
    void intSpansPythonsMaxsize() {
        PrimitiveIntNode node = new PrimitiveIntNode();
        assertShape(node, "PrimitiveInt", "Int", ValueType.INT);
        Widget.IntWidget w = (Widget.IntWidget) node.descriptor().input("value").orElseThrow().widget();
        assertEquals(-9223372036854775807L, w.min(), "-sys.maxsize");
        assertEquals(9223372036854775807L, w.max(), "sys.maxsize");
        assertEquals(0L, w.defaultValue());
        assertEquals(-42L, node.execute(new ValueInput(-42L), CONTEXT).value(0));
        assertEquals(7L, node.execute(new ValueInput(7), CONTEXT).value(0), "an Integer comes out as a long");
    }

    @Test
    void floatStepsByATenth() {
        PrimitiveFloatNode node = new PrimitiveFloatNode();
        assertShape(node, "PrimitiveFloat", "Float", ValueType.FLOAT);
        Widget.FloatWidget w = (Widget.FloatWidget) node.descriptor().input("value").orElseThrow().widget();
        assertEquals(0.1, w.step());
        assertEquals(9.223372036854776e18, w.max());
        assertEquals(-9.223372036854776e18, w.min());
        assertEquals(2.5, node.execute(new ValueInput(2.5), CONTEXT).value(0));
        assertEquals(3.0, node.execute(new ValueInput(3L), CONTEXT).value(0), "an integer literal comes out as a double");
    }

    @Test
    void stringsAndBooleanPassThrough() {
        PrimitiveStringNode single = new PrimitiveStringNode();
        assertShape(single, "PrimitiveString", "String", ValueType.STRING);
        assertFalse(((Widget.StringWidget) single.descriptor().input("value").orElseThrow().widget()).multiline());
        assertEquals("a cat", single.execute(new ValueInput("a cat"), CONTEXT).value(0));

        PrimitiveStringMultilineNode multi = new PrimitiveStringMultilineNode();
        assertShape(multi, "PrimitiveStringMultiline", "String (Multiline)", ValueType.STRING);
        assertTrue(((Widget.StringWidget) multi.descriptor().input("value").orElseThrow().widget()).multiline());
        assertEquals("line 1\nline 2", multi.execute(new ValueInput("line 1\nline 2"), CONTEXT).value(0));

        PrimitiveBooleanNode bool = new PrimitiveBooleanNode();
        assertShape(bool, "PrimitiveBoolean", "Boolean", ValueType.BOOLEAN);
        assertEquals(Boolean.TRUE, bool.execute(new ValueInput(true), CONTEXT).value(0));
    }

    @Test
    void aValueOfTheWrongTypeIsNamed() {
        NodeException e = org.junit.jupiter.api.Assertions.assertThrows(NodeException.class,
                () -> new PrimitiveStringNode().execute(new ValueInput(5L), CONTEXT));
        assertEquals("value", e.inputName());
    }
}
