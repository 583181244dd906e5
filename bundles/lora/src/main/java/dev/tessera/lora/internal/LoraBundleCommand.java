package dev.tessera.lora.internal;

import ai.djl.ndarray.NDManager;
import dev.tessera.cli.Command;
import dev.tessera.cli.CommandIO;
import dev.tessera.cli.UsageException;
import dev.tessera.lora.LoraException;
import dev.tessera.lora.bundle.LoraBundles;
import dev.tessera.tensor.TensorRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * {@code tessera lora-bundle <file.safetensors> [--name N] [--out DIR]}: checks the file is a LoRA this bundle reads,
 * then packages it as a LoRA bundle ({@link LoraBundles#write}); prints the jar's path. Exit 1 when the file is not
 * a readable LoRA or the jar cannot be written.
 */
@Component(service = Command.class)
public final class LoraBundleCommand implements Command {

    static final String USAGE = "usage: tessera lora-bundle <file.safetensors> [--name N] [--out DIR]";

    private final TensorRuntime runtime;

    @Activate
    public LoraBundleCommand(@Reference TensorRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public String name() {
        return "lora-bundle";
    }

    @Override
    public String synopsis() {
        return "<file.safetensors> [--name N] [--out DIR]";
    }

    @Override
    public String summary() {
        return "Package a LoRA .safetensors file as a bundle that adds it to LoraLoader while installed.";
    }

    @Override
    public int execute(List<String> args, CommandIO io) throws UsageException {
        Path file = null;
        String name = null;
        Path out = Path.of("");
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--help") || arg.equals("-h")) {
                io.out().println(USAGE);
                io.out().println("Writes <out>/lora-<name>.jar (default name: the file's name without"
                        + " .safetensors; default out: the working directory). Drop the jar into plugins/ to"
                        + " install it while tessera runs.");
                return OK;
            } else if (arg.equals("--name") || arg.equals("--out")) {
                if (i + 1 >= args.size()) {
                    throw new UsageException(arg + " needs a value");
                }
                String value = args.get(++i);
                if (arg.equals("--name")) {
                    name = value;
                } else {
                    out = Path.of(value);
                }
            } else if (arg.startsWith("--name=")) {
                name = arg.substring("--name=".length());
            } else if (arg.startsWith("--out=")) {
                out = Path.of(arg.substring("--out=".length()));
            } else if (arg.startsWith("-")) {
                throw new UsageException("unknown option " + arg);
            } else if (file != null) {
                throw new UsageException("one LoRA file at a time; got " + file + " and " + arg);
            } else {
                file = Path.of(arg);
            }
        }
        if (file == null) {
            throw new UsageException("which .safetensors file? " + USAGE);
        }
        if (name != null && !LoraBundles.isValidName(name)) {
            throw new UsageException("--name '" + name + "' is not valid: use 1 to 100 letters, digits, '_', '-' or"
                    + " single dots, starting with a letter or digit");
        }
        if (!Files.isRegularFile(file)) {
            io.err().println("error: " + file + ": no such file");
            return FAILED;
        }
        Path lora = file.toAbsolutePath();
        String bundleName = name != null ? name : LoraBundles.defaultName(lora);
        Path outDir = out.toAbsolutePath();
        try {
            // DJL finds its engine through the tensor bundle's class loader.
            LoraBundles.Written written = runtime.call(() -> {
                try (NDManager manager = runtime.newManager("lora-bundle")) {
                    return LoraBundles.write(lora, bundleName, outDir, manager);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            io.err().println("tessera: " + lora.getFileName() + " is a LoRA of " + written.modules() + " modules;"
                    + " bundle " + written.symbolicName() + " offers it as '" + written.name() + "'");
            io.out().println(written.jar());
            return OK;
        } catch (LoraException e) {
            io.err().println("error: " + e.getMessage());
            return FAILED;
        } catch (UncheckedIOException e) {
            io.err().println("error: cannot write the bundle into " + outDir + ": " + e.getCause().getMessage());
            return FAILED;
        }
    }
}
