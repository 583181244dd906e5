package dev.tessera.itests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The hand-written {@code <name>.expected} of a malformed workflow: one {@code <node id|-> <input|-> <type>} per
 * line, matched against the command line's problem lines ({@code node 2 (ImageScale) input 'width': type: ...},
 * {@code workflow: type: ...}).
 */
record ExpectedErrors(List<Expected> errors) {

    record Expected(String nodeId, String input, String type) {

        boolean matches(String line) {
            if (nodeId.equals("-")) return line.startsWith("  workflow: " + type + ": ");
            if (!line.startsWith("  node " + nodeId + " ") && !line.startsWith("  node " + nodeId + ":")) return false;
            int typeAt = line.indexOf(": " + type + ": ");
            if (typeAt < 0) return false;
            String where = line.substring(0, typeAt);
            return input.equals("-") ? !where.contains(" input '") : where.endsWith(" input '" + input + "'");
        }

        @Override
        public String toString() {
            return nodeId + " " + input + " " + type;
        }
    }

    static ExpectedErrors read(Path file) throws IOException {
        List<Expected> errors = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (line.isBlank() || line.startsWith("#")) continue;
            String[] parts = line.trim().split("\\s+");
            if (parts.length != 3) throw new IllegalArgumentException(file + ": expected '<node> <input> <type>', got '" + line + "'");
            errors.add(new Expected(parts[0], parts[1], parts[2]));
        }
        return new ExpectedErrors(errors);
    }

    /** The lines of the output that report a problem (not the headline, warnings or notes). */
    static List<String> problemLines(String stderr) {
        return stderr.lines().filter(l -> l.startsWith("  node ") || l.startsWith("  workflow: ")).toList();
    }
}
