package dev.tessera.graph.engine.internal;

import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.HostSettings;
import dev.tessera.graph.api.ModelFileList;
import dev.tessera.graph.api.NodeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * The user's folders, from framework (or system) properties {@code tessera.output.dir}, {@code tessera.input.dir},
 * {@code tessera.temp.dir}, {@code tessera.models.dir}; each defaults to its ComfyUI name under
 * {@code tessera.home}, which defaults to the working directory. Relative paths are taken from {@code tessera.home}.
 * Folders are created when first asked for. A Config Admin configuration of PID {@value #PID} ({@code home},
 * {@code output.dir}, {@code input.dir}, {@code temp.dir}, {@code models.dir}) overrides those properties in a
 * host; a changed configuration re-registers the service with the new folders.
 */
@Component(service = Folders.class, configurationPid = FileFolders.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = FileFolders.Config.class)
public final class FileFolders implements Folders {

    public static final String PID = "dev.tessera.folders";

    /** The configuration's attributes; blank ones fall back to the framework properties {@code tessera.<name>}. */
    @ObjectClassDefinition(id = PID, name = "Tessera folders",
            description = "Where workflows read input images and models and write output and temporary files."
                    + " Empty: the framework property tessera.<name> (e.g. tessera.output.dir), else the ComfyUI"
                    + " folder name under home.")
    public @interface Config {
        @AttributeDefinition(required = false, description = "Base of relative folders (default: the working directory)")
        String home() default "";

        @AttributeDefinition(required = false, description = "Where SaveImage writes (default output)")
        String output_dir() default "";

        @AttributeDefinition(required = false, description = "Where LoadImage reads (default input)")
        String input_dir() default "";

        @AttributeDefinition(required = false, description = "Where PreviewImage writes (default temp)")
        String temp_dir() default "";

        @AttributeDefinition(required = false, description = "Model files by kind: checkpoints, loras, ... (default models)")
        String models_dir() default "";
    }

    /** The files loaders read beside a model file {@code <stem>.safetensors}, by suffix to its stem. */
    private static final List<String> COMPANIONS = List.of(".arch.json", ".tokenizer");

    private final Path output;
    private final Path input;
    private final Path temp;
    private final Path models;

    @Activate
    public FileFolders(BundleContext context, Map<String, Object> properties) {
        // BundleContext.getProperty falls back to system properties.
        this(HostSettings.layered(properties, "tessera.", context::getProperty));
    }

    /**
     * Not public: SCR must find exactly one public constructor taking the activation objects.
     *
     * @param properties property lookup, returning null for an unset property
     */
    FileFolders(Function<String, String> properties) {
        String homeText = properties.apply("tessera.home");
        Path home = Paths.get(homeText == null || homeText.isBlank() ? System.getProperty("user.dir") : homeText)
                .toAbsolutePath().normalize();
        this.output = root(properties, home, "tessera.output.dir", "output");
        this.input = root(properties, home, "tessera.input.dir", "input");
        this.temp = root(properties, home, "tessera.temp.dir", "temp");
        this.models = root(properties, home, "tessera.models.dir", "models");
    }

    private static Path root(Function<String, String> properties, Path home, String key, String fallback) {
        String value = properties.apply(key);
        return home.resolve(value == null || value.isBlank() ? fallback : value).toAbsolutePath().normalize();
    }

    @Override
    public Path output() {
        return ensure(output, "tessera.output.dir");
    }

    @Override
    public Path input() {
        return ensure(input, "tessera.input.dir");
    }

    @Override
    public Path temp() {
        return ensure(temp, "tessera.temp.dir");
    }

    @Override
    public Path models() {
        return ensure(models, "tessera.models.dir");
    }

    @Override
    public Path modelFolder(String kind) {
        return models().resolve(checkKind(kind));
    }

    @Override
    public ModelFileList listModelFiles(String kind, List<String> extensions) {
        Path folder = modelFolder(kind);
        if (Files.isSymbolicLink(folder) && Files.isDirectory(folder) && !Folders.staysInside(folder, models)) {
            // Walking does not follow the folder's own link: say so rather than offer nothing silently.
            return new ModelFileList(List.of(), 1, kind, models);
        }
        if (!Files.isDirectory(folder)) return new ModelFileList(List.of(), 0, null, folder);
        List<String> suffixes = extensions.stream()
                .map(e -> (e.startsWith(".") ? e : "." + e).toLowerCase(Locale.ROOT)).toList();
        try (Stream<Path> walk = Files.walk(folder)) {
            List<String> names = new ArrayList<>();
            List<String> outside = new ArrayList<>();
            walk.filter(p -> !p.equals(folder)).forEach(p -> {
                String name = folder.relativize(p).toString().replace('\\', '/');
                boolean file = Files.isRegularFile(p);
                if (file && !suffixes.isEmpty() && suffixes.stream().noneMatch(p.getFileName().toString().toLowerCase(Locale.ROOT)::endsWith)) {
                    return;
                }
                // Linked folders are not walked into; one leading out is reported with the files that do.
                if ((file || Files.isSymbolicLink(p) && Files.isDirectory(p)) && !Folders.staysInside(p, folder)) {
                    outside.add(name);
                } else if (file) {
                    names.add(name);
                }
            });
            names.sort(null);
            outside.sort(null);
            return new ModelFileList(names, outside.size(), outside.isEmpty() ? null : outside.get(0), folder);
        } catch (IOException | UncheckedIOException e) {
            throw new NodeException("invalid_input", null, "could not list the model folder " + folder + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Path resolveModelFile(String kind, String name) {
        Path folder = modelFolder(kind);
        if (name == null || name.isBlank()) {
            throw new NodeException("invalid_input", null, "no file name given for a model in '" + kind + "'");
        }
        // Workflows saved on Windows name subfolders with backslashes.
        String relative = name.replace('\\', '/');
        if (relative.startsWith("/") || relative.matches("^[A-Za-z]:.*") || Paths.get(relative).isAbsolute()) {
            throw new NodeException("invalid_input", null, "model file '" + name + "' must be a name inside the '" + kind
                    + "' folder, not an absolute path");
        }
        for (String segment : relative.split("/")) {
            if (segment.equals("..")) {
                throw new NodeException("invalid_input", null, "model file '" + name + "' must not contain '..'");
            }
        }
        if (Files.isSymbolicLink(folder) && !Folders.staysInside(folder, models)) {
            // As the listing: a kind folder linked out of the models folder offers nothing and opens nothing.
            throw new NodeException("invalid_input", null, "model file '" + name + "': the '" + kind + "' folder is a"
                    + " link leading outside " + models());
        }
        Path file = folder.resolve(relative).normalize();
        if (!Files.isRegularFile(file)) {
            String note = listModelFiles(kind, List.of()).skippedNote();
            throw new NodeException("invalid_input", null, "model file '" + name + "' not found in " + folder
                    + (note.isEmpty() ? "" : "; " + note));
        }
        if (!Folders.staysInside(file, folder)) {
            throw new NodeException("invalid_input", null, "model file '" + name + "' is (or lies in) a link leading outside " + folder);
        }
        Path real;
        try {
            // The real path: what was checked is what is read, even if the link changes afterwards.
            real = file.toRealPath();
        } catch (IOException e) {
            throw new NodeException("invalid_input", null, "model file '" + name + "' cannot be read: " + e.getMessage(), e);
        }
        checkCompanions(name, real);
        return real;
    }

    /**
     * The loaders read {@code <stem>.arch.json} and the {@code <stem>.tokenizer/} folder beside a model file's real
     * path with it, so they are confined as the file is: each, and everything in the folder, must lie inside the
     * models folder with every link followed (inside, not necessarily in the same kind's folder: a tokenizer folder
     * may link to {@code models/tokenizers/...}).
     */
    private void checkCompanions(String name, Path real) {
        String stem = real.getFileName().toString().replaceFirst("(?i)\\.safetensors$", "");
        for (String suffix : COMPANIONS) {
            try {
                checkInsideModels(real.resolveSibling(stem + suffix));
            } catch (NodeException e) {
                throw new NodeException("invalid_input", null, "model file '" + name + "': beside it, " + e.getMessage(), e);
            }
        }
    }

    private static String checkKind(String kind) {
        if (kind == null || kind.isBlank() || kind.contains("/") || kind.contains("\\") || kind.equals("..") || kind.equals(".")) {
            throw new IllegalArgumentException("model folder kind must be a plain folder name such as 'checkpoints', got '" + kind + "'");
        }
        return kind;
    }

    private static Path ensure(Path dir, String property) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the folder " + dir + " (set " + property + " to change it)", e);
        }
    }
}
