package dev.tessera.lora.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.conformance.CaseOutcome;
import dev.tessera.conformance.Comparison;
import dev.tessera.conformance.ConformanceFamily;
import dev.tessera.conformance.PackContext;
import dev.tessera.conformance.Tolerance;
import dev.tessera.lora.LoraFile;
import dev.tessera.lora.LoraMapping;
import dev.tessera.lora.LoraMatch;
import dev.tessera.lora.LoraMerge;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.osgi.service.component.annotations.Component;

/**
 * The pack's {@code lora/cases}: every reference output in the file, read from its name,
 * {@code unet_out_<format>_strength_<s>} (the {@code sd15/cases/unet} inputs through the UNet with that LoRA merged)
 * or {@code te_last_hidden_state_<format>_strength_<s>} (the case's {@code input_ids} through the text encoder with
 * it), where {@code <format>} names the LoRA file {@code lora/*-<format>.safetensors}. Each runs on both layouts of
 * the sd15 checkpoint (the single file's outputs carry {@code [single-file]}); one forward pass, 1e-4.
 */
@Component(service = ConformanceFamily.class)
public final class LoraFamily implements ConformanceFamily {

    private static final Pattern OUTPUT = Pattern.compile("(unet_out|te_last_hidden_state)_(\\w+?)_strength_(.+)");
    private static final String INPUT_IDS = "input_ids";
    private static final String UNET_INPUTS = "sd15/cases/unet.safetensors";

    @Override
    public String name() {
        return "lora";
    }

    @Override
    public boolean handles(Path caseFile) {
        return caseFile.getFileName().toString().endsWith(".safetensors");
    }

    @Override
    public CaseOutcome run(PackContext context, Path caseFile) {
        List<Comparison> comparisons = new ArrayList<>();
        try (SafetensorsFile file = SafetensorsFile.open(caseFile);
                SafetensorsFile unetInputs = SafetensorsFile.open(context.resolve(UNET_INPUTS))) {
            List<String> outputs = file.names().stream().filter(n -> !n.equals(INPUT_IDS)).sorted().toList();
            if (outputs.isEmpty()) {
                throw new IllegalArgumentException(caseFile + ": no reference output (expected tensors named"
                        + " unet_out_<format>_strength_<s> or te_last_hidden_state_<format>_strength_<s>)");
            }
            for (boolean singleFile : new boolean[] {false, true}) {
                try (NDManager manager = context.manager().newSubManager();
                        StableDiffusionCheckpoint checkpoint = open(context, singleFile, manager)) {
                    for (String output : outputs) {
                        Comparison c = compare(context, checkpoint, file, unetInputs, output, manager);
                        comparisons.add(singleFile ? new Comparison(c.output() + "[single-file]", c.kind(),
                                c.error(), c.tolerance()) : c);
                    }
                }
            }
        }
        return CaseOutcome.of(comparisons);
    }

    private static StableDiffusionCheckpoint open(PackContext context, boolean singleFile, NDManager manager) {
        if (!singleFile) {
            return StableDiffusionCheckpoint.openDiffusers(context.resolve("sd15/diffusers"), context.device(),
                    context.dtype(), manager);
        }
        return StableDiffusionCheckpoint.openSingleFile(context.resolve("sd15/single-file/tiny-sd15.safetensors"),
                context.resolve("sd15/single-file/tiny-sd15.arch.json"), context.device(), context.dtype(), manager);
    }

    private static Comparison compare(PackContext context, StableDiffusionCheckpoint checkpoint, SafetensorsFile file,
            SafetensorsFile unetInputs, String output, NDManager parent) {
        Matcher m = OUTPUT.matcher(output);
        if (!m.matches()) {
            throw new IllegalArgumentException(file.path() + ": tensor '" + output + "' is not an output this family"
                    + " reads (expected unet_out_<format>_strength_<s> or te_last_hidden_state_<format>_strength_<s>)");
        }
        double strength;
        try {
            strength = Double.parseDouble(m.group(3));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file.path() + ": tensor '" + output + "': strength '" + m.group(3)
                    + "' is not a number", e);
        }
        Path loraPath = loraFile(context, m.group(2), output);
        boolean unet = m.group(1).equals("unet_out");
        try (NDManager manager = parent.newSubManager(); LoraFile lora = LoraFile.open(loraPath, manager)) {
            LoraMapping mapping = unet ? LoraMapping.forSd15Unet(checkpoint.unetConfig())
                    : LoraMapping.forSd15TextEncoder(checkpoint.textEncoderConfig());
            LoraMatch match = LoraMatch.of(lora, List.of(mapping), mod -> unet != textEncoderKey(mod.key()))
                    .requireFits();
            try (LoraMerge merge = LoraMerge.apply(unet ? checkpoint.unetWeights() : checkpoint.textEncoderWeights(),
                    List.of(match.patch(mapping, strength)), manager)) {
                NDArray actual;
                if (unet) {
                    actual = new UNet2DConditionModel(checkpoint.unetConfig(), merge.weights(), context.dtype())
                            .forward(load(unetInputs, "sample", manager), load(unetInputs, "timestep", manager),
                                    load(unetInputs, "encoder_hidden_states", manager));
                } else {
                    actual = new CLIPTextModel(checkpoint.textEncoderConfig(), merge.weights(), context.dtype())
                            .forward(load(file, INPUT_IDS, manager)).lastHiddenState();
                }
                return Comparison.relativeL2(output, actual.toType(DataType.FLOAT32, false),
                        load(file, output, manager), Tolerance.FORWARD_PASS);
            }
        }
    }

    /** Kohya's and diffusers' text-encoder prefixes; every other module belongs to the UNet. */
    private static boolean textEncoderKey(String key) {
        return key.startsWith("lora_te") || key.startsWith("text_encoder");
    }

    /** The one file {@code lora/*-<format>.safetensors} of the pack. */
    private static Path loraFile(PackContext context, String format, String output) {
        Path folder = context.resolve("lora");
        String suffix = "-" + format.toLowerCase(Locale.ROOT) + ".safetensors";
        try (Stream<Path> files = Files.list(folder)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
            if (found.size() != 1) {
                throw new IllegalArgumentException("tensor '" + output + "': expected one LoRA file lora/*" + suffix
                        + " in the pack, found " + found.size() + " " + found);
            }
            return found.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
        }
    }

    private static NDArray load(SafetensorsFile file, String tensor, NDManager manager) {
        if (!file.contains(tensor)) {
            throw new IllegalArgumentException(file.path() + ": no tensor '" + tensor + "'");
        }
        return file.load(tensor, manager);
    }
}
