package dev.tessera.cli.internal;

import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.ImageRef;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What a run produced for the user, as lines: the path of each file written, or {@code node N key: value}. */
final class OutputFiles {

    private OutputFiles() {
    }

    /**
     * @param outputs    per node, its ui map (ComfyUI's history outputs)
     * @param workingDir paths under it are shown relative to it
     */
    static List<String> lines(Map<String, Map<String, List<?>>> outputs, Folders folders, Path workingDir) {
        List<String> lines = new ArrayList<>();
        outputs.forEach((nodeId, ui) -> ui.forEach((key, items) -> {
            for (Object item : items) {
                if (item instanceof ImageRef ref) {
                    lines.add(show(path(ref, folders), workingDir));
                } else {
                    lines.add("node " + nodeId + " " + key + ": " + item);
                }
            }
        }));
        return lines;
    }

    static Path path(ImageRef ref, Folders folders) {
        Path root = switch (ref.type()) {
            case "temp" -> folders.temp();
            case "input" -> folders.input();
            default -> folders.output();
        };
        Path dir = ref.subfolder().isEmpty() ? root : root.resolve(ref.subfolder());
        return dir.resolve(ref.filename());
    }

    static String show(Path path, Path workingDir) {
        Path abs = path.toAbsolutePath().normalize();
        Path base = workingDir.toAbsolutePath().normalize();
        return abs.startsWith(base) ? base.relativize(abs).toString() : abs.toString();
    }
}
