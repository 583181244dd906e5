package dev.tessera.cli.internal;

import dev.tessera.cli.Arguments;
import dev.tessera.graph.api.Folders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The folder options of {@code run}. The Folders service reads its folders when the framework starts (the
 * launcher turns these options into the framework properties named here), so inside the framework an option can
 * only be checked against what the service uses, never changed.
 */
final class FolderOptions {

    record Folder(String option, String property, Function<Folders, Path> current) {
    }

    static final Map<String, Folder> BY_OPTION = folders();

    private FolderOptions() {
    }

    private static Map<String, Folder> folders() {
        Map<String, Folder> m = new LinkedHashMap<>();
        m.put("--out", new Folder("--out", "tessera.output.dir", Folders::output));
        m.put("--input", new Folder("--input", "tessera.input.dir", Folders::input));
        m.put("--models", new Folder("--models", "tessera.models.dir", Folders::models));
        m.put("--temp", new Folder("--temp", "tessera.temp.dir", Folders::temp));
        return Map.copyOf(m);
    }

    static Set<String> names() {
        return BY_OPTION.keySet();
    }

    /**
     * Each folder option whose directory is not the one the Folders service uses, as a sentence saying how to
     * apply it; empty when all agree.
     *
     * @param workingDir where relative option values are taken from
     */
    static List<String> mismatches(Arguments args, Folders folders, Path workingDir) {
        List<String> problems = new ArrayList<>();
        for (String option : List.of("--out", "--input", "--models", "--temp")) {
            Folder folder = BY_OPTION.get(option);
            args.value(option).ifPresent(value -> {
                Path wanted = workingDir.resolve(value).toAbsolutePath().normalize();
                Path used = folder.current().apply(folders).toAbsolutePath().normalize();
                if (!wanted.equals(used)) {
                    problems.add(option + " " + value + " was not applied: this framework uses " + used
                            + ". Folder options take effect when the framework starts: give them to the tessera"
                            + " launcher, or set the framework property " + folder.property() + ".");
                }
            });
        }
        return problems;
    }
}
