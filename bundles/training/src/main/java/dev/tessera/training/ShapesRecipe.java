package dev.tessera.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.tessera.layout.Layout;
import dev.tessera.layout.LayoutDataset;
import dev.tessera.miglora.Fusion;
import dev.tessera.models.sd.AutoencoderKL;
import dev.tessera.models.sd.AutoencoderKLConfig;
import dev.tessera.models.sd.CLIPTextConfig;
import dev.tessera.models.sd.UNet2DConditionConfig;
import dev.tessera.models.sd.loading.SingleFileCheckpointWriter;
import dev.tessera.shapes.SceneConfig;
import dev.tessera.shapes.SceneGenerator;
import dev.tessera.shapes.ScoreTable;
import dev.tessera.shapes.ShapesDataset;
import dev.tessera.tokenizers.ClipTokenizer;
import dev.tessera.tokenizers.TextTokenizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The shapes world's whole training, one stage after the other, each resumable from its own folder under the
 * work folder: the dataset (generated), a CLIP-style tokenizer for its captions, the autoencoder, the UNet and text
 * encoder, the export of the base model as an SD1.x single-file checkpoint, then a MIGLoRA adapter on that
 * exported checkpoint (the same training {@code tessera train miglora} runs on a user's checkpoint). A stage whose
 * result exists is skipped; a stopped run continues from the last checkpoint of the stage it was in.
 */
public final class ShapesRecipe {

    public static final String CHECKPOINT = "shapes-sd15.safetensors";
    public static final String ENCODER = "shapes-mask-encoder.safetensors";
    public static final String LORA = "shapes-miglora.safetensors";

    /** The sizes and steps of every stage; {@link #standard()} is what the shipped weights were trained with. */
    public record Plan(int images, SceneConfig scenes, AutoencoderKLConfig vae, AutoencoderTraining.Options vaeRun,
            UNet2DConditionConfig unet, int textWidth, int textLayers, DiffusionTraining.Options diffusionRun,
            MigLoraTraining.Options adapterRun, long seed) {

        /** The text encoder's configuration for a tokenizer of {@code vocabulary} tokens. */
        public CLIPTextConfig text(int vocabulary) {
            return new CLIPTextConfig(vocabulary, textWidth, 4 * textWidth, textLayers, Math.max(1, textWidth / 32),
                    77, "quick_gelu", 1e-5f, CLIPTextConfig.LEGACY_EOS_TOKEN_ID);
        }
    }

    private ShapesRecipe() {}

    /** The recipe of the shipped weights (64x64 scenes of 1 to 6 objects), from {@code seed}. */
    public static Plan standard(long seed) {
        AutoencoderKLConfig vae = new AutoencoderKLConfig(3, 3, 4, List.of(32, 64, 128, 128), 1, 16, 1f, true, true,
                true);
        UNet2DConditionConfig unet = new UNet2DConditionConfig(4, 4, List.of(64, 128, 128),
                List.of(true, true, true), 1, List.of(4, 4, 4), List.of(1, 1, 1), 128, 16, 1e-5f, true, 0, false, 1,
                1f, true);
        return new Plan(20_000, SceneConfig.defaults(), vae,
                new AutoencoderTraining.Options(vae, 16, 5_000, 8e-4, 200, 100, 1e-5, seed),
                unet, 128, 3,
                new DiffusionTraining.Options(unet, null, 32, 12_000, 2e-4, 200, 100, 0.1, 5, 0.999, seed),
                new MigLoraTraining.Options(16, 16, 3e-4, 3_000, 8, Fusion.MASK, 100, 100, List.of(16, 32, 64, 128),
                        0.1, 6, 5, seed),
                seed);
    }

    /**
     * Runs (or continues) every stage in {@code work} and writes the results to {@code export}'s
     * {@code checkpoints/}, {@code miglora/} and {@code loras/}. Returns false when {@code stop} ended it early.
     */
    public static boolean run(Plan plan, Path work, Path export, NDManager manager, TrainingProgress progress,
            BooleanSupplier stop) throws IOException {
        Path datasetFolder = work.resolve("dataset");
        if (!Files.exists(datasetFolder.resolve(LayoutDataset.INDEX_FILE))) {
            progress.note("writing " + plan.images() + " scenes to " + datasetFolder);
            ShapesDataset.write(datasetFolder, new SceneGenerator(plan.scenes()), plan.seed(), plan.images());
        }
        TrainingData data = read(LayoutDataset.open(datasetFolder));
        progress.note("dataset: " + data.size() + " images of " + data.width() + "x" + data.height());

        Path tokenizerFolder = work.resolve("tokenizer");
        if (!Files.exists(tokenizerFolder.resolve(TextTokenizer.TOKENIZER_JSON))) {
            List<String> corpus = new ArrayList<>();
            for (Layout layout : data.layouts()) {
                corpus.add(layout.caption());
            }
            Files.createDirectories(tokenizerFolder);
            Files.writeString(tokenizerFolder.resolve(TextTokenizer.TOKENIZER_JSON), ClipTokenizerBuilder.build(corpus));
        }
        CLIPTextConfig text;
        List<long[]> tokens = new ArrayList<>();
        long[] empty;
        try (TextTokenizer tokenizer = TextTokenizer.fromFolder(tokenizerFolder)) {
            CaptionTokens captions = new CaptionTokens(ClipTokenizer.sd1(tokenizer));
            for (int i = 0; i < data.size(); i++) {
                tokens.add(captions.ids(data.caption(i)));
            }
            empty = captions.ids("");
            text = plan.text(vocabulary(tokenizerFolder));
        }

        TrainableParameters vaeParameters = AutoencoderTraining.train(plan.vaeRun(), data,
                work.resolve("autoencoder"), manager, progress, stop);
        if (vaeParameters == null) {
            return false;
        }
        LatentCache latents = LatentCache.encode(new AutoencoderKL(plan.vae(), vaeParameters, DataType.FLOAT32), data,
                64, manager);
        float scaling = latents.measuredScaling();
        progress.note("latents encoded; scaling factor " + scaling);
        ScoreTable.Metrics ceiling = ReconstructionCheck.score(new AutoencoderKL(plan.vae(), vaeParameters,
                DataType.FLOAT32), new SceneGenerator(plan.scenes()), plan.seed() + 1, 200, manager);
        progress.note(String.format(java.util.Locale.ROOT, "autoencoder round trip of 200 new scenes: I-SR %.3f,"
                + " SR %.3f, mIoU %.3f (the ceiling of every method)", ceiling.isr(), ceiling.sr(), ceiling.miou()));
        AutoencoderKLConfig vae = plan.vae().withFactors(scaling, 0f);

        DiffusionTraining.Options diffusion = plan.diffusionRun();
        diffusion = new DiffusionTraining.Options(diffusion.unet(), text, diffusion.batch(), diffusion.steps(),
                diffusion.learningRate(), diffusion.warmup(), diffusion.checkpointEvery(), diffusion.captionDropout(),
                diffusion.minSnrGamma(), diffusion.emaDecay(), diffusion.seed());
        DiffusionTraining.Result base = DiffusionTraining.train(diffusion, latents.withScaling(scaling), tokens, empty,
                work.resolve("diffusion"), manager, progress, stop);
        if (base == null) {
            return false;
        }
        Path checkpoint = export.resolve("checkpoints").resolve(CHECKPOINT);
        Files.createDirectories(checkpoint.getParent());
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("tessera.recipe", "shapes-world");
        metadata.put("tessera.seed", Long.toString(plan.seed()));
        SingleFileCheckpointWriter.write(checkpoint, plan.unet(), base.unet(), vae, vaeParameters.all(), text,
                base.text(), DataType.FLOAT16, metadata);
        copyTokenizer(tokenizerFolder, checkpoint);
        progress.note("base model written to " + checkpoint);

        return MigLoraTrainer.run(plan.adapterRun(), checkpoint, datasetFolder, work.resolve("miglora"),
                export.resolve("miglora").resolve(ENCODER), export.resolve("loras").resolve(LORA), manager,
                progress, stop);
    }

    /** Every entry of {@code dataset}, read and checked (the first bad entry is an error naming its file). */
    public static TrainingData read(LayoutDataset dataset) {
        List<BufferedImage> images = new ArrayList<>();
        List<Layout> layouts = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (LayoutDataset.Entry entry : dataset.entries()) {
            LayoutDataset.Sample sample = entry.read();
            images.add(sample.image());
            layouts.add(sample.layout());
            names.add(entry.imageFile().toString());
        }
        return TrainingData.of(images, layouts, names);
    }

    private static int vocabulary(Path tokenizerFolder) throws IOException {
        com.google.gson.JsonObject root = com.google.gson.JsonParser.parseString(
                Files.readString(tokenizerFolder.resolve(TextTokenizer.TOKENIZER_JSON))).getAsJsonObject();
        return root.getAsJsonObject("model").getAsJsonObject("vocab").size();
    }

    /** The tokenizer goes beside the checkpoint as {@code name.tokenizer/}, where the loaders look for it. */
    private static void copyTokenizer(Path tokenizerFolder, Path checkpoint) throws IOException {
        String name = checkpoint.getFileName().toString();
        Path target = checkpoint.resolveSibling(name.substring(0, name.length() - ".safetensors".length())
                + ".tokenizer");
        Files.createDirectories(target);
        Files.copy(tokenizerFolder.resolve(TextTokenizer.TOKENIZER_JSON), target.resolve(TextTokenizer.TOKENIZER_JSON),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static Device cpu() {
        return Device.cpu();
    }
}
