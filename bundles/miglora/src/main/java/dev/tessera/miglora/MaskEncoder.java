package dev.tessera.miglora;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.tensor.TensorScope;
import dev.tessera.tensor.safetensors.SafetensorsException;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * MIGLoRA's box-mask encoder: binary box masks in pixels {@code [N, C, H, W]} to embeddings at latent resolution,
 * read from a safetensors file. Two variants, told apart by the file's tensors and shapes, never by a flag:
 *
 * <ul>
 *   <li>{@link Injection#ADD} (the released weights, method notes): diffusers' ControlNetConditioningEmbedding
 *       layout, {@code conv_in}, {@code blocks.<i>} (odd blocks stride 2), {@code conv_out}, bare as in the
 *       released {@code model_1.safetensors} or prefixed {@code mask_encoder.}; SiLU after every conv but conv_out;
 *       the output has the UNet's first-level width and is added to conv_in's output.</li>
 *   <li>{@link Injection#CONCAT} (the paper, section 3.3): a plain sequence {@code mask_encoder.convs.<i>} (or
 *       {@code mask_encoder.<i>}, an nn.Sequential), every conv stride 2 (16 -> 32 -> 64 in the paper), SiLU
 *       between them; its output is concatenated with the latents, so the file also carries the widened UNet
 *       {@code conv_in.weight} {@code [C0, latent + E, k, k]} and {@code conv_in.bias} that take both.</li>
 * </ul>
 *
 * <p>The weights are held on the host as float32 arrays, so this is an immutable value a model patch can carry
 * without owning device memory; {@link #encode} creates them on the masks' device and dtype for one call (the
 * released encoder is 1.1 M parameters, 4.3 MB).
 */
public final class MaskEncoder {

    /** How the embedding enters the UNet. */
    public enum Injection {
        /** Added to conv_in's output (released weights). */
        ADD,
        /** Concatenated with the latent before a widened conv_in (the paper). */
        CONCAT
    }

    /** One convolution: square kernel, padding {@code kernel / 2}, with bias. */
    public record Conv(String name, int out, int in, int kernel, int stride, float[] weight, float[] bias) {}

    public static final String PREFIX = "mask_encoder.";
    /**
     * Safetensors metadata key (on the mask encoder or the LoRA file) with the most instances per image the adapter
     * was trained on; our trainer writes it. The released files carry none.
     */
    public static final String MAX_INSTANCES_KEY = "miglora.max_instances";
    /** The released adapter's training cap: train.py keeps at most 5 instances per image ({@code max_conditions}). */
    public static final int RELEASED_MAX_INSTANCES = 5;
    /** A released block, bare ({@code blocks.3.weight}, the released model_1.safetensors) or prefixed. */
    private static final Pattern BLOCK = Pattern.compile("(?:mask_encoder\\.)?blocks\\.(\\d+)\\.(weight|bias)");
    private static final Pattern SEQUENCE = Pattern.compile("mask_encoder\\.(?:convs\\.)?(\\d+)\\.(weight|bias)");

    private final String key;
    private final OptionalInt maxInstances;
    private final Injection injection;
    private final List<Conv> convs;
    /** CONCAT only: the widened UNet conv_in. */
    private final Conv unetConvIn;
    /** Parameters kept on a device (a trained encoder's), by file name; null when they are the host arrays. */
    private final Map<String, NDArray> resident;

    private MaskEncoder(String key, OptionalInt maxInstances, Injection injection, List<Conv> convs,
            Conv unetConvIn) {
        this(key, maxInstances, injection, convs, unetConvIn, null);
    }

    private MaskEncoder(String key, OptionalInt maxInstances, Injection injection, List<Conv> convs,
            Conv unetConvIn, Map<String, NDArray> resident) {
        this.key = key;
        this.maxInstances = maxInstances;
        this.injection = injection;
        this.convs = List.copyOf(convs);
        this.unetConvIn = unetConvIn;
        this.resident = resident;
    }

    /**
     * The released variant (diffusers' ControlNetConditioningEmbedding: {@code conv_in}, per step of
     * {@code widths} a same-width conv and a stride-2 widening one, {@code conv_out}, 3x3 kernels) over parameters
     * that stay on their device, taken from {@code weights} by the released file's bare names
     * ({@code conv_in.weight}, {@code blocks.<i>.bias}, ...). A trainer passes parameters that collect gradients;
     * {@code conv_out} is the layer the released training initialises to zero.
     *
     * @param widths the block widths, e.g. 16, 32, 96, 256 (released); the downscale is 2^(widths - 1)
     */
    public static MaskEncoder released(int maskChannels, List<Integer> widths, int embeddingChannels,
            dev.tessera.models.core.Weights weights, String key) {
        List<Conv> convs = new ArrayList<>();
        convs.add(new Conv("conv_in", widths.get(0), maskChannels, 3, 1, null, null));
        for (int i = 0; i + 1 < widths.size(); i++) {
            convs.add(new Conv("blocks." + (2 * i), widths.get(i), widths.get(i), 3, 1, null, null));
            convs.add(new Conv("blocks." + (2 * i + 1), widths.get(i + 1), widths.get(i), 3, 2, null, null));
        }
        convs.add(new Conv("conv_out", embeddingChannels, widths.get(widths.size() - 1), 3, 1, null, null));
        Map<String, NDArray> resident = new java.util.LinkedHashMap<>();
        for (Conv c : convs) {
            resident.put(c.name() + ".weight", weights.get(c.name() + ".weight",
                    new Shape(c.out(), c.in(), c.kernel(), c.kernel())));
            resident.put(c.name() + ".bias", weights.get(c.name() + ".bias", new Shape(c.out())));
        }
        return new MaskEncoder(key, OptionalInt.empty(), Injection.ADD, convs, null,
                java.util.Collections.unmodifiableMap(resident));
    }

    /**
     * Reads and validates {@code file}. {@code scratch} is used to read the tensors and is left as it was.
     *
     * @throws MigLoraException naming the file and tensor when it is not a mask encoder this class knows
     */
    public static MaskEncoder read(Path file, NDManager scratch) {
        String name = file.getFileName().toString();
        if (!name.endsWith(".safetensors")) {
            throw new MigLoraException(file + ": not a .safetensors file; mask encoders are read from safetensors only"
                    + " (pickle files are never opened)");
        }
        try (NDManager manager = scratch.newSubManager(); SafetensorsFile st = SafetensorsFile.open(file)) {
            Set<String> names = new TreeSet<>(st.names());
            Set<String> unused = new TreeSet<>(names);
            List<Conv> convs = new ArrayList<>();
            Injection injection;
            Conv convIn = null;
            String released = releasedPrefix(names);
            if (released != null) {
                // The released file is the bare state dict of ControlNetConditioningEmbedding (inference.py:
                // load_state_dict into that class), so its names carry no prefix; ours may carry mask_encoder.
                injection = Injection.ADD;
                convs.add(conv(st, manager, released + "conv_in", 1, unused));
                List<Integer> blocks = indices(file, names, released);
                for (int index : blocks) {
                    // ControlNetConditioningEmbedding: per level a same-width conv, then a stride-2 widening one.
                    convs.add(conv(st, manager, released + "blocks." + index, index % 2 == 1 ? 2 : 1, unused));
                }
                if (blocks.size() % 2 != 0) {
                    throw new MigLoraException(file + ": " + blocks.size() + " released blocks ("
                            + released + "blocks.0.." + (blocks.size() - 1) + "); ControlNetConditioningEmbedding has"
                            + " them in pairs (same width, then stride-2 widening)");
                }
                for (int i = 0; i < blocks.size(); i += 2) {
                    Conv same = convs.get(1 + i);
                    if (same.in() != same.out()) {
                        throw new MigLoraException(file + ": '" + same.name() + ".weight' maps " + same.in() + " to "
                                + same.out() + " channels; the even blocks of ControlNetConditioningEmbedding keep"
                                + " their width");
                    }
                }
                convs.add(conv(st, manager, released + "conv_out", 1, unused));
            } else {
                TreeMap<Integer, String> sequence = new TreeMap<>();
                for (String n : names) {
                    Matcher m = SEQUENCE.matcher(n);
                    if (m.matches()) {
                        sequence.put(Integer.parseInt(m.group(1)), n.substring(0, n.lastIndexOf('.')));
                    }
                }
                if (sequence.isEmpty()) {
                    throw new MigLoraException(file + ": no mask encoder tensors" + lookalike(names) + "; expected the"
                            + " released model_1.safetensors names conv_in.*, blocks.<i>.*, conv_out.* (bare or"
                            + " prefixed mask_encoder.) or a paper encoder mask_encoder.convs.<i>.* with the widened"
                            + " conv_in.*; the file has " + first(names));
                }
                for (String prefix : sequence.values()) {
                    convs.add(conv(st, manager, prefix, 2, unused));
                }
                if (!names.contains("conv_in.weight")) {
                    throw new MigLoraException(file + ": a sequential (paper) mask encoder is concatenated with the"
                            + " latents, so the file must carry the widened UNet 'conv_in.weight' [C0, latent + "
                            + convs.get(convs.size() - 1).out() + ", k, k]; it has none");
                }
                injection = Injection.CONCAT;
                convIn = conv(st, manager, "conv_in", 1, unused);
            }
            for (int i = 1; i < convs.size(); i++) {
                Conv previous = convs.get(i - 1);
                Conv c = convs.get(i);
                if (c.in() != previous.out()) {
                    throw new MigLoraException(file + ": '" + c.name() + ".weight' takes " + c.in() + " channels, '"
                            + previous.name() + "' gives " + previous.out());
                }
            }
            int embedding = convs.get(convs.size() - 1).out();
            if (convIn != null && convIn.in() <= embedding) {
                throw new MigLoraException(file + ": 'conv_in.weight' takes " + convIn.in() + " channels, expected"
                        + " the latent's channels plus the encoder's " + embedding);
            }
            if (convs.get(0).in() != 1 && convs.get(0).in() != 3) {
                throw new MigLoraException(file + ": '" + convs.get(0).name() + ".weight' takes " + convs.get(0).in()
                        + " channels; a box mask has 1 (or 3, the released RGB mask)");
            }
            if (!unused.isEmpty()) {
                throw new MigLoraException(file + ": " + unused.size() + " tensors are not part of a mask encoder"
                        + " (first: " + first(unused) + ")");
            }
            return new MaskEncoder("mask-encoder:" + fingerprint(file), maxInstances(file, st.metadata()), injection,
                    convs, convIn);
        } catch (SafetensorsException e) {
            throw new MigLoraException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The prefix of a released (ControlNetConditioningEmbedding) encoder's names: {@code "mask_encoder."} or
     * {@code ""} (the released model_1.safetensors), or null when the names are not that layout. Decided from the
     * whole set: its conv_in, conv_out and at least one {@code blocks.<i>} under one prefix. A UNet has conv_in and
     * conv_out too but no top-level blocks; a ControlNet keeps the class under {@code controlnet_cond_embedding.}.
     */
    private static String releasedPrefix(Set<String> names) {
        for (String prefix : List.of(PREFIX, "")) {
            boolean blocks = names.stream().anyMatch(n -> n.startsWith(prefix + "blocks.")
                    && BLOCK.matcher(n).matches());
            if (blocks && names.contains(prefix + "conv_in.weight") && names.contains(prefix + "conv_out.weight")) {
                return prefix;
            }
        }
        return null;
    }

    /** What a file that is no mask encoder looks like, from its names, for the error (empty when unknown). */
    private static String lookalike(Set<String> names) {
        for (String n : names) {
            if (n.contains("lora_") || n.contains(".lora.") || n.endsWith(".alpha")) {
                return " (it looks like a LoRA: '" + n + "'; pick it as lora_name)";
            }
        }
        for (String n : names) {
            if (n.startsWith("controlnet_cond_embedding.") || n.startsWith("input_hint_block.")
                    || n.startsWith("control_model.")) {
                return " (it looks like a ControlNet: '" + n + "'; its conditioning embedding is not a MIGLoRA"
                        + " mask encoder)";
            }
        }
        for (String n : names) {
            if (n.startsWith("down_blocks.") || n.startsWith("model.diffusion_model.") || n.startsWith("input_blocks.")
                    || n.startsWith("time_embedding.")) {
                return " (it looks like a UNet or checkpoint: '" + n + "')";
            }
        }
        return "";
    }

    /**
     * The {@link #MAX_INSTANCES_KEY} of a file's safetensors metadata, empty when absent.
     *
     * @throws MigLoraException naming file and key when the value is not a positive integer
     */
    public static OptionalInt maxInstances(Path file, Map<String, String> metadata) {
        String value = metadata.get(MAX_INSTANCES_KEY);
        if (value == null) {
            return OptionalInt.empty();
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= 1) {
                return OptionalInt.of(n);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MigLoraException(file + ": metadata '" + MAX_INSTANCES_KEY + "' is '" + value + "'; expected the"
                + " most instances per image the adapter was trained on, a positive integer");
    }

    private static List<Integer> indices(Path file, Set<String> names, String prefix) {
        Set<Integer> found = new TreeSet<>();
        for (String n : names) {
            Matcher m = BLOCK.matcher(n);
            if (n.startsWith(prefix + "blocks.") && m.matches()) {
                found.add(Integer.parseInt(m.group(1)));
            }
        }
        List<Integer> list = new ArrayList<>(found);
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) != i) {
                throw new MigLoraException(file + ": mask encoder blocks are numbered " + list + "; expected 0.."
                        + (list.size() - 1));
            }
        }
        return list;
    }

    private static Conv conv(SafetensorsFile st, NDManager manager, String prefix, int stride, Set<String> unused) {
        String weightName = prefix + ".weight";
        String biasName = prefix + ".bias";
        for (String n : List.of(weightName, biasName)) {
            if (!st.contains(n)) {
                throw new MigLoraException(st.path() + ": tensor '" + n + "' is missing");
            }
        }
        NDArray weight = st.load(weightName, manager);
        NDArray bias = st.load(biasName, manager);
        Shape w = weight.getShape();
        if (w.dimension() != 4 || w.get(2) != w.get(3) || w.get(2) % 2 == 0) {
            throw new MigLoraException(st.path() + ": '" + weightName + "' has shape " + w
                    + "; expected [out, in, k, k] with an odd k");
        }
        if (!bias.getShape().equals(new Shape(w.get(0)))) {
            throw new MigLoraException(st.path() + ": '" + biasName + "' has shape " + bias.getShape() + "; expected ("
                    + w.get(0) + ")");
        }
        if (!weight.getDataType().isFloating()) {
            throw new MigLoraException(st.path() + ": '" + weightName + "' is " + weight.getDataType()
                    + "; expected a floating type");
        }
        unused.remove(weightName);
        unused.remove(biasName);
        return new Conv(prefix, (int) w.get(0), (int) w.get(1), (int) w.get(2), stride, floats(weight), floats(bias));
    }

    private static float[] floats(NDArray array) {
        return array.getDataType() == DataType.FLOAT32 ? array.toFloatArray()
                : array.toType(DataType.FLOAT32, false).toFloatArray();
    }

    private static String first(Set<String> names) {
        return names.isEmpty() ? "no tensors" : String.join(", ", names.stream().limit(5).toList());
    }

    private static String fingerprint(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return file.toAbsolutePath() + "|" + a.size() + "|" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            throw new MigLoraException(file + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The file and its size and modification time: a replaced file is a new encoder. */
    public String key() {
        return key;
    }

    /** The file's {@link #MAX_INSTANCES_KEY}, when it has one. */
    public OptionalInt maxInstances() {
        return maxInstances;
    }

    public Injection injection() {
        return injection;
    }

    public List<Conv> convs() {
        return convs;
    }

    /** Channels of the mask image the first conv takes (3 for the released encoder). */
    public int maskChannels() {
        return convs.get(0).in();
    }

    /** Channels of the embedding. */
    public int embeddingChannels() {
        return convs.get(convs.size() - 1).out();
    }

    /** How much smaller the embedding is than the mask: the product of the strides (8 for both variants). */
    public int downscale() {
        int f = 1;
        for (Conv c : convs) {
            f *= c.stride();
        }
        return f;
    }

    /** CONCAT: the latent channels the widened conv_in expects besides the embedding. */
    public int latentChannels() {
        return unetConvIn == null ? -1 : unetConvIn.in() - embeddingChannels();
    }

    /** The width of what is injected after conv_in: the encoder's output (ADD) or the widened conv_in's (CONCAT). */
    public int featureChannels() {
        return unetConvIn == null ? embeddingChannels() : unetConvIn.out();
    }

    /**
     * The embedding of {@code masks} {@code [N, C, H, W]} (C = {@link #maskChannels()}, or 1 broadcast to it), as
     * {@code [N, E, H / f, W / f]} in the masks' dtype on their manager. Nine launches per conv-and-SiLU.
     */
    public NDArray encode(NDArray masks) {
        Shape shape = masks.getShape();
        if (shape.dimension() != 4 || (shape.get(1) != maskChannels() && shape.get(1) != 1)) {
            throw new MigLoraException("mask encoder input has shape " + shape + "; expected [N, " + maskChannels()
                    + ", H, W]");
        }
        int f = downscale();
        if (shape.get(2) % f != 0 || shape.get(3) % f != 0) {
            throw new MigLoraException("mask encoder input is " + shape.get(3) + "x" + shape.get(2) + " pixels; expected"
                    + " a multiple of the encoder's downscale " + f);
        }
        return TensorScope.keep(() -> {
            NDArray x = shape.get(1) == maskChannels() ? masks : masks.repeat(1, maskChannels());
            for (int i = 0; i < convs.size(); i++) {
                x = resident == null ? conv(x, convs.get(i), 0, -1, true) : residentConv(x, convs.get(i));
                boolean last = i == convs.size() - 1;
                if (!last) {
                    x = x.mul(x.getNDArrayInternal().sigmoid()); // SiLU
                }
            }
            return x;
        });
    }

    /**
     * What enters the UNet's features for {@code embedding} (from {@link #encode}): the embedding itself (ADD), or
     * the widened conv_in's embedding columns applied to it, without bias (CONCAT: a convolution over the
     * concatenation [latent, embedding] is the sum of one over each part).
     */
    public NDArray inject(NDArray embedding) {
        if (unetConvIn == null) {
            return embedding;
        }
        return TensorScope.keep(() -> conv(embedding, unetConvIn, latentChannels(), unetConvIn.in(), false));
    }

    /**
     * CONCAT: the widened conv_in on the latent's columns with its bias, which replaces the UNet's own conv_in;
     * {@code inject} adds the embedding's part.
     *
     * @throws IllegalStateException for the ADD variant, which keeps the UNet's conv_in
     */
    public NDArray convInLatent(NDArray sample) {
        if (unetConvIn == null) {
            throw new IllegalStateException("the released mask encoder keeps the UNet's conv_in");
        }
        if (sample.getShape().get(1) != latentChannels()) {
            throw new MigLoraException("latent has " + sample.getShape().get(1) + " channels; the mask encoder's"
                    + " conv_in expects " + latentChannels() + " latent channels");
        }
        return TensorScope.keep(() -> conv(sample, unetConvIn, 0, latentChannels(), true));
    }

    /** {@code conv} with its device-resident parameters, in x's dtype (a trained encoder's gradients flow). */
    private NDArray residentConv(NDArray x, Conv conv) {
        NDArray weight = resident.get(conv.name() + ".weight");
        NDArray bias = resident.get(conv.name() + ".bias");
        if (weight.getDataType() != x.getDataType()) {
            weight = weight.toType(x.getDataType(), false);
            bias = bias.toType(x.getDataType(), false);
        }
        int p = conv.kernel() / 2;
        return x.getNDArrayInternal().convolution(x, weight, bias, new Shape(conv.stride(), conv.stride()),
                new Shape(p, p), new Shape(1, 1), 1).singletonOrThrow();
    }

    /** {@code conv} over input channels {@code [from, to)} (to -1: all), on x's manager and dtype. */
    private static NDArray conv(NDArray x, Conv conv, int from, int to, boolean withBias) {
        NDManager m = x.getManager();
        DataType type = x.getDataType();
        int in = to < 0 ? conv.in() : to - from;
        NDArray weight = m.create(conv.weight(), new Shape(conv.out(), conv.in(), conv.kernel(), conv.kernel()));
        if (to >= 0 && (from != 0 || to != conv.in())) {
            weight = weight.get(":, " + from + ":" + to);
        }
        if (weight.getShape().get(1) != in) {
            throw new IllegalStateException("conv " + conv.name() + ": " + in + " input channels expected");
        }
        NDArray bias = withBias ? m.create(conv.bias()) : m.zeros(new Shape(conv.out()));
        if (type != DataType.FLOAT32) {
            weight = weight.toType(type, false);
            bias = bias.toType(type, false);
        }
        int p = conv.kernel() / 2;
        return x.getNDArrayInternal().convolution(x, weight, bias, new Shape(conv.stride(), conv.stride()),
                new Shape(p, p), new Shape(1, 1), 1).singletonOrThrow();
    }

    /** Parameters, for reports. */
    public long parameterCount() {
        long n = 0;
        for (Conv c : convs) {
            n += (long) c.out() * c.in() * c.kernel() * c.kernel() + c.out();
        }
        if (unetConvIn != null) {
            n += unetConvIn.weight().length + unetConvIn.bias().length;
        }
        return n;
    }

    /** Weights by their file names, for tests that write encoders. */
    public Map<String, float[]> tensors() {
        Map<String, float[]> out = new TreeMap<>();
        if (resident != null) {
            resident.forEach((name, value) -> out.put(name, value.toType(DataType.FLOAT32, false).toFloatArray()));
            return out;
        }
        for (Conv c : convs) {
            out.put(c.name() + ".weight", c.weight());
            out.put(c.name() + ".bias", c.bias());
        }
        return out;
    }

    @Override
    public String toString() {
        return "MaskEncoder[" + injection + ", " + convs.size() + " convs, " + maskChannels() + " -> "
                + embeddingChannels() + ", /" + downscale() + "]";
    }
}
