package dev.tessera.graph.engine;

import java.util.List;
import java.util.stream.Collectors;

/** A text could not be read as a workflow; carries every structural problem found. */
public class WorkflowParseException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final List<ParseProblem> problems;
    private final int line;
    private final int column;

    /**
     * @param line   1-based line of a JSON syntax error, or -1
     * @param column 1-based column of a JSON syntax error, or -1
     */
    public WorkflowParseException(String source, List<ParseProblem> problems, int line, int column) {
        super(describe(source, problems));
        this.problems = List.copyOf(problems);
        this.line = line;
        this.column = column;
    }

    private static String describe(String source, List<ParseProblem> problems) {
        String where = source == null || source.isBlank() ? "workflow" : source;
        return where + ": " + problems.stream().map(ParseProblem::message).collect(Collectors.joining("; "));
    }

    public List<ParseProblem> problems() {
        return problems;
    }

    /** 1-based line of a JSON syntax error, or -1 when the problem is not a syntax error. */
    public int line() {
        return line;
    }

    /** 1-based column of a JSON syntax error, or -1. */
    public int column() {
        return column;
    }
}
