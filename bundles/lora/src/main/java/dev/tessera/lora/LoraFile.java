package dev.tessera.lora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.tensor.safetensors.SafetensorsDType;
import dev.tessera.tensor.safetensors.SafetensorsException;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import dev.tessera.tensor.safetensors.TensorInfo;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * A LoRA safetensors file, parsed and validated when it opens: every up factor has its down factor, their ranks
 * agree, alphas are finite scalars. Only headers and alphas are read then; the factors are read when a patch is
 * computed ({@link #load}), so the file stays open until {@link #close()}.
 *
 * <p>Recognised factor pairs (up / down): kohya {@code .lora_up.weight / .lora_down.weight}, PEFT {@code
 * .lora_B.weight / .lora_A.weight}, {@code .lora.up.weight / .lora.down.weight}, diffusers attention processors
 * {@code _lora.up.weight / _lora.down.weight}, transformers {@code .lora_linear_layer.up.weight / .down.weight};
 * optional {@code .alpha} per module. LyCORIS variants with other math (LoHa, LoKr, Tucker mid factors, DoRA, full
 * differences) are refused by name rather than misapplied. Other tensors are kept as {@link #strayKeys()} for the
 * unmatched-keys report.
 */
public final class LoraFile implements AutoCloseable {

    /** Up suffix and down suffix of each recognised naming, longest first where one could end another. */
    private static final String[][] PAIRS = {
        {".lora_linear_layer.up.weight", ".lora_linear_layer.down.weight"},
        {".lora_up.weight", ".lora_down.weight"},
        {".lora_B.weight", ".lora_A.weight"},
        {"_lora.up.weight", "_lora.down.weight"},
        {".lora.up.weight", ".lora.down.weight"},
    };
    private static final String ALPHA = ".alpha";

    private final Path path;
    private final SafetensorsFile file;
    private final List<LoraModule> modules;
    private final List<String> strayKeys;

    private LoraFile(Path path, SafetensorsFile file, List<LoraModule> modules, List<String> strayKeys) {
        this.path = path;
        this.file = file;
        this.modules = List.copyOf(modules);
        this.strayKeys = List.copyOf(strayKeys);
    }

    /**
     * Opens and validates {@code path}; {@code manager} is used to read the alpha scalars (temporarily).
     *
     * @throws LoraException naming the file and the offending key if it is not a readable LoRA safetensors file
     */
    public static LoraFile open(Path path, NDManager manager) {
        refusePickle(path);
        SafetensorsFile file;
        try {
            file = SafetensorsFile.open(path);
        } catch (SafetensorsException e) {
            throw new LoraException(path + ": not a readable LoRA safetensors file: " + e.getMessage(), e);
        }
        try {
            Parsed parsed = parse(path, file, manager);
            if (parsed.modules.isEmpty()) {
                throw new LoraException(path + ": no LoRA factor pairs (lora_up/lora_down, lora_B/lora_A, ...) among"
                        + " its " + file.names().size() + " tensors" + firstFew(parsed.stray));
            }
            return new LoraFile(path, file, parsed.modules, parsed.stray);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static void refusePickle(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".ckpt") || name.endsWith(".pt") || name.endsWith(".pth") || name.endsWith(".bin")) {
            throw new LoraException(path + ": pickle files are never loaded; use the LoRA's .safetensors file");
        }
    }

    private record Parsed(List<LoraModule> modules, List<String> stray) {
    }

    /** The two factor names of a module, as found. */
    private static final class Pair {
        String up;
        String down;
        String alpha;
    }

    private static Parsed parse(Path path, SafetensorsFile file, NDManager manager) {
        refuseUnsupportedVariants(path, file);
        Map<String, Pair> pairs = new LinkedHashMap<>();
        List<String> stray = new ArrayList<>();
        for (String name : file.names()) {
            if (!assign(name, pairs)) {
                stray.add(name);
            }
        }
        List<LoraModule> modules = new ArrayList<>();
        try (NDManager scratch = manager.newSubManager()) {
            for (Map.Entry<String, Pair> entry : pairs.entrySet()) {
                modules.add(module(path, file, entry.getKey(), entry.getValue(), scratch));
            }
        }
        return new Parsed(modules, stray);
    }

    /** Files the tensor {@code name} under its module; false if it is no part of a LoRA pair. */
    private static boolean assign(String name, Map<String, Pair> pairs) {
        for (String[] suffixes : PAIRS) {
            if (name.endsWith(suffixes[0])) {
                pairs.computeIfAbsent(strip(name, suffixes[0]), k -> new Pair()).up = name;
                return true;
            }
            if (name.endsWith(suffixes[1])) {
                pairs.computeIfAbsent(strip(name, suffixes[1]), k -> new Pair()).down = name;
                return true;
            }
        }
        if (name.endsWith(ALPHA)) {
            pairs.computeIfAbsent(strip(name, ALPHA), k -> new Pair()).alpha = name;
            return true;
        }
        return false;
    }

    private static String strip(String name, String suffix) {
        return name.substring(0, name.length() - suffix.length());
    }

    private static LoraModule module(Path path, SafetensorsFile file, String key, Pair pair, NDManager scratch) {
        String where = path + ": LoRA module '" + key + "'";
        if (pair.up == null || pair.down == null) {
            String present = pair.up != null ? pair.up : pair.down != null ? pair.down : pair.alpha;
            throw new LoraException(where + " is incomplete: has '" + present + "' but no "
                    + (pair.up == null && pair.down == null ? "up/down factors"
                            : pair.up == null ? "up factor" : "down factor") + " (expected both of a pair such as"
                    + " .lora_up.weight/.lora_down.weight or .lora_B.weight/.lora_A.weight)");
        }
        Shape up = floatingShape(where, file.info(pair.up));
        Shape down = floatingShape(where, file.info(pair.down));
        checkFactorShapes(where, pair, up, down);
        OptionalDouble alpha = pair.alpha == null ? OptionalDouble.empty()
                : OptionalDouble.of(alpha(where, file, pair.alpha, scratch));
        return new LoraModule(key, pair.up, pair.down, Optional.ofNullable(pair.alpha), up, down, alpha);
    }

    private static Shape floatingShape(String where, TensorInfo info) {
        SafetensorsDType type = info.dtype();
        if (type != SafetensorsDType.F32 && type != SafetensorsDType.F16 && type != SafetensorsDType.BF16) {
            throw new LoraException(where + ": tensor '" + info.name() + "' has dtype " + type
                    + ", expected a floating type (F32, F16, BF16)");
        }
        return new Shape(info.shape());
    }

    private static void checkFactorShapes(String where, Pair pair, Shape up, Shape down) {
        boolean upOk = up.dimension() == 2 || (up.dimension() == 4 && up.get(2) == 1 && up.get(3) == 1);
        if (!upOk) {
            throw new LoraException(where + ": up factor '" + pair.up + "' has shape " + up
                    + ", expected [out, rank] or [out, rank, 1, 1]");
        }
        if (down.dimension() != 2 && down.dimension() != 4) {
            throw new LoraException(where + ": down factor '" + pair.down + "' has shape " + down
                    + ", expected [rank, in] or [rank, in, kh, kw]");
        }
        if (up.get(1) != down.get(0)) {
            throw new LoraException(where + ": rank mismatch: up factor '" + pair.up + "' " + up + " has rank "
                    + up.get(1) + " (its columns) but down factor '" + pair.down + "' " + down + " has rank "
                    + down.get(0) + " (its rows)");
        }
        if (down.get(0) == 0) {
            throw new LoraException(where + ": rank 0 (down factor '" + pair.down + "' " + down + ")");
        }
    }

    private static double alpha(String where, SafetensorsFile file, String name, NDManager scratch) {
        TensorInfo info = file.info(name);
        if (info.elementCount() != 1) {
            throw new LoraException(where + ": alpha '" + name + "' has shape " + new Shape(info.shape())
                    + ", expected a scalar");
        }
        NDArray value = file.load(name, scratch);
        double alpha = value.toType(DataType.FLOAT64, false).toDoubleArray()[0];
        if (!Double.isFinite(alpha)) {
            throw new LoraException(where + ": alpha '" + name + "' is " + alpha + ", expected a finite number");
        }
        return alpha;
    }

    /** LyCORIS variants whose delta is not up @ down: refused by name, never half-applied. */
    private static void refuseUnsupportedVariants(Path path, SafetensorsFile file) {
        Map<String, List<String>> found = new LinkedHashMap<>();
        for (String name : file.names()) {
            String variant = unsupportedVariant(name);
            if (variant != null) {
                found.computeIfAbsent(variant, k -> new ArrayList<>()).add(name);
            }
        }
        if (!found.isEmpty()) {
            StringBuilder message = new StringBuilder(path + ": unsupported LoRA variant(s): ");
            found.forEach((variant, names) -> message.append(variant).append(" (").append(names.size())
                    .append(" tensors, first '").append(names.get(0)).append("'); "));
            message.append("only plain low-rank pairs (including conv LoCon) are supported");
            throw new LoraException(message.toString());
        }
    }

    private static String unsupportedVariant(String name) {
        if (name.contains(".hada_")) {
            return "LoHa";
        }
        if (name.contains(".lokr_")) {
            return "LoKr";
        }
        if (name.endsWith(".lora_mid.weight")) {
            return "LoCon with a Tucker mid factor";
        }
        if (name.endsWith(".dora_scale")) {
            return "DoRA";
        }
        if (name.endsWith(".diff") || name.endsWith(".diff_b") || name.endsWith(".w_norm")
                || name.endsWith(".b_norm")) {
            return "full weight/bias differences";
        }
        return null;
    }

    private static String firstFew(List<String> names) {
        return names.isEmpty() ? "" : " (first: " + String.join(", ", names.subList(0, Math.min(5, names.size())))
                + ")";
    }

    public Path path() {
        return path;
    }

    /** The factor pairs, in the order the file lists their first tensor. */
    public List<LoraModule> modules() {
        return modules;
    }

    /** Tensors that are no part of a pair or alpha, in file order. */
    public List<String> strayKeys() {
        return strayKeys;
    }

    /** The file's "__metadata__" strings. */
    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(file.metadata());
    }

    /** Reads tensor {@code name} (a factor) in its stored type (BF16 widened to float32) onto {@code manager}. */
    public NDArray load(String name, NDManager manager) {
        try {
            return file.load(name, manager);
        } catch (SafetensorsException e) {
            throw new LoraException(path + ": cannot read '" + name + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return "LoraFile[" + path + ", " + modules.size() + " modules]";
    }
}
