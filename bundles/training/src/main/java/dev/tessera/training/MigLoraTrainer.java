package dev.tessera.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.layout.LayoutDataset;
import dev.tessera.models.core.ParameterSpecs;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.UNet2DConditionConfig;
import dev.tessera.models.sd.UNet2DConditionModel;
import dev.tessera.models.sd.loading.StableDiffusionCheckpoint;
import dev.tessera.tokenizers.ClipTokenizer;
import dev.tessera.tokenizers.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A MIGLoRA adapter for an SD1.x checkpoint from a dataset folder ({@link LayoutDataset}'s format): what a user
 * runs to adapt MIGLoRA to their own base model. Reads the checkpoint (its tokenizer from {@code name.tokenizer/}
 * beside it), encodes the dataset's images with the checkpoint's VAE once, trains with {@link MigLoraTraining} in
 * {@code work}, and writes the encoder and LoRA files in the released formats.
 */
public final class MigLoraTrainer {

    private MigLoraTrainer() {}

    /** Returns false when {@code stop} ended the run early (its checkpoint in {@code work} continues it). */
    public static boolean run(MigLoraTraining.Options options, Path checkpointFile, Path datasetFolder, Path work,
            Path encoderFile, Path loraFile, NDManager manager, TrainingProgress progress, BooleanSupplier stop) {
        TrainingData data = ShapesRecipe.read(LayoutDataset.open(datasetFolder));
        Path tokenizerFolder = tokenizerOf(checkpointFile);
        try (StableDiffusionCheckpoint checkpoint = StableDiffusionCheckpoint.open(checkpointFile, manager.getDevice(),
                DataType.FLOAT32, manager);
                TextTokenizer tokenizer = TextTokenizer.fromFolder(tokenizerFolder)) {
            if (!checkpoint.hasUnet() || !checkpoint.hasVae() || !checkpoint.hasTextEncoder()) {
                throw new TrainingException(checkpointFile + ": MIGLoRA training needs the UNet, VAE and text encoder"
                        + " in one checkpoint");
            }
            int f = checkpoint.vaeConfig().downscale();
            if (data.width() % f != 0 || data.height() % f != 0) {
                throw new TrainingException(datasetFolder + ": images are " + data.width() + "x" + data.height()
                        + "; the VAE needs sides that are multiples of " + f);
            }
            LatentCache latents = LatentCache.encode(checkpoint.vae(), data, 64, manager);
            CaptionTokens captions = new CaptionTokens(ClipTokenizer.sd1(tokenizer));
            CLIPTextModel text = checkpoint.textEncoder();
            PromptEncoder prompts = (texts, scratch) -> {
                NDList rows = new NDList();
                for (String t : texts) {
                    long[] ids = captions.ids(t);
                    rows.add(scratch.create(ids, new Shape(1, ids.length)).duplicate());
                }
                NDArray ids = NDArrays.concat(rows, 0);
                return text.forward(ids).lastHiddenState().stopGradient();
            };
            UNet2DConditionConfig config = checkpoint.unetConfig();
            Map<String, Shape> specs = ParameterSpecs.of(w -> new UNet2DConditionModel(config, w, DataType.FLOAT32));
            progress.note("adapter for " + checkpointFile.getFileName() + " on " + data.size() + " images");
            MigLoraTraining.Result adapter = MigLoraTraining.train(options, config, checkpoint.unetWeights(), specs,
                    prompts, latents, data, work, manager, progress, stop);
            if (adapter == null) {
                return false;
            }
            int most = data.layouts().stream().mapToInt(l -> l.size()).max().orElse(0);
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("miglora.max_instances", Integer.toString(Math.min(most, options.maxInstances())));
            metadata.put("miglora.fusion", options.fusion().id());
            metadata.put("miglora.rank", Integer.toString(options.rank()));
            metadata.put("miglora.alpha", Double.toString(options.alpha()));
            metadata.put("miglora.steps", Long.toString(options.steps()));
            metadata.put("miglora.base", checkpointFile.getFileName().toString());
            AdapterFiles.write(adapter, encoderFile, loraFile, DataType.FLOAT16, metadata);
            progress.note("adapter written: " + encoderFile + ", " + loraFile);
            return true;
        }
    }

    /** {@code name.tokenizer/} beside {@code name.safetensors}. */
    static Path tokenizerOf(Path checkpointFile) {
        String name = checkpointFile.getFileName().toString();
        String stem = name.endsWith(".safetensors") ? name.substring(0, name.length() - ".safetensors".length()) : name;
        Path folder = checkpointFile.resolveSibling(stem + ".tokenizer");
        if (!Files.isRegularFile(folder.resolve(TextTokenizer.TOKENIZER_JSON))) {
            throw new TrainingException(checkpointFile + ": no tokenizer beside it (expected " + folder
                    + "/tokenizer.json); copy the checkpoint's CLIP tokenizer there");
        }
        return folder;
    }

    static Device device(NDManager manager) {
        return manager.getDevice();
    }
}
