package dev.tessera.cli.internal;

import dev.tessera.graph.engine.ExecutionEvent;
import dev.tessera.graph.engine.ParseProblem;
import dev.tessera.graph.engine.ValidationProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Problems as the lines the user reads, each naming where it is and what kind it is:
 * {@code node 2 (ImageScale) input 'width': value_smaller_than_min: <message>}, or {@code workflow: <type>:
 * <message>} for the document as a whole.
 */
final class ProblemLines {

    private ProblemLines() {
    }

    static String of(ParseProblem p) {
        return where(p.nodeId(), null, p.inputName()) + p.type() + ": " + p.message();
    }

    static String of(ValidationProblem p) {
        return where(p.nodeId(), p.classType(), p.inputName()) + p.type() + ": "
                + withoutSubject(p.message(), p.nodeId(), p.classType(), p.inputName());
    }

    /** The failure of a node: a headline, then the inputs it got, one per line. */
    static List<String> of(ExecutionEvent.ExecutionError e) {
        List<String> lines = new ArrayList<>();
        String kind = e.exceptionType() == null || e.exceptionType().isBlank() ? "" : " (" + simpleName(e.exceptionType()) + ")";
        lines.add(where(e.nodeId(), e.classType(), e.inputName()) + e.errorType() + ": "
                + withoutSubject(e.message(), e.nodeId(), e.classType(), e.inputName()) + kind);
        for (Map.Entry<String, String> input : e.currentInputs().entrySet()) {
            lines.add("    " + input.getKey() + " = " + input.getValue());
        }
        return lines;
    }

    static String where(String nodeId, String classType, String inputName) {
        if (nodeId == null) return "workflow: ";
        return subject(nodeId, classType, inputName) + ": ";
    }

    /**
     * The message without a leading "node 2 (ImageScale) input 'width' " (or "...: ", as the engine prefixes a
     * node's own validation messages) when it repeats what the line already starts with (the engine's messages
     * name their subject so they read well on their own).
     */
    static String withoutSubject(String message, String nodeId, String classType, String inputName) {
        if (nodeId == null || message == null) return message;
        String subject = subject(nodeId, classType, inputName);
        for (String lead : new String[] {subject + ": ", subject + " "}) {
            if (message.startsWith(lead) && message.length() > lead.length()) return message.substring(lead.length());
        }
        return message;
    }

    private static String subject(String nodeId, String classType, String inputName) {
        StringBuilder sb = new StringBuilder("node ").append(nodeId);
        if (classType != null && !classType.isBlank()) sb.append(" (").append(classType).append(')');
        if (inputName != null && !inputName.isBlank()) sb.append(" input '").append(inputName).append('\'');
        return sb.toString();
    }

    private static String simpleName(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? className : className.substring(dot + 1);
    }
}
