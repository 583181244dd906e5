package dev.tessera.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import dev.tessera.models.sd.AutoencoderKL;
import dev.tessera.models.sd.AutoencoderKLConfig;
import dev.tessera.models.sd.CLIPTextConfig;
import dev.tessera.models.sd.CLIPTextModel;
import dev.tessera.models.sd.UNet2DConditionConfig;
import dev.tessera.models.sd.UNet2DConditionModel;
import java.util.List;

/** Speed probe: java -cp ... dev.tessera.training.TrainingProbe */
public final class TrainingProbe {
    public static void main(String[] args) {
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        try (NDManager base = NDManager.newBaseManager()) {
            int batch = Integer.parseInt(args.length > 0 ? args[0] : "32");
            UNet2DConditionConfig uc = new UNet2DConditionConfig(4, 4, List.of(64, 128, 128), List.of(true, true, true), 1,
                    List.of(4, 4, 4), List.of(1, 1, 1), 128, 32, 1e-5f, true, 0, false, 1, 1f, true);
            CLIPTextConfig tc = new CLIPTextConfig(600, 128, 256, 3, 4, 77, "quick_gelu", 1e-5f, 2);
            AutoencoderKLConfig vc = new AutoencoderKLConfig(3, 3, 4, List.of(32, 64, 64, 64), 1, 16, 1f, true, true, true);
            TrainableParameters up = new TrainableParameters(base.newSubManager(), 1);
            TrainableParameters tp = new TrainableParameters(base.newSubManager(), 2);
            TrainableParameters vp = new TrainableParameters(base.newSubManager(), 3);
            UNet2DConditionModel unet = new UNet2DConditionModel(uc, up, DataType.FLOAT32);
            CLIPTextModel clip = new CLIPTextModel(tc, tp, DataType.FLOAT32);
            AutoencoderKL vae = new AutoencoderKL(vc, vp, DataType.FLOAT32);
            System.out.println("unet " + up.count() + " clip " + tp.count() + " vae " + vp.count());
            AdamW opt = AdamW.defaults();
            for (int i = 0; i < 6; i++) {
                long t0 = System.nanoTime();
                try (NDManager step = base.newSubManager()) {
                    NDArray x = step.randomNormal(new Shape(batch, 4, 8, 8));
                    NDArray ids = step.randomInteger(0, 600, new Shape(batch, 77), DataType.INT64);
                    NDArray t = step.randomInteger(0, 1000, new Shape(batch), DataType.INT64).toType(DataType.FLOAT32, false);
                    float loss;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray ctx = clip.forward(ids).lastHiddenState();
                        NDArray out = unet.forward(x, t, ctx);
                        NDArray l = out.sub(x).square().mean();
                        gc.backward(l);
                        loss = l.getFloat();
                    }
                    java.util.Map<String, NDArray> all = new java.util.LinkedHashMap<>(up.all());
                    all.putAll(tp.all());
                    opt.step(all, 1e-4);
                    System.out.printf("unet step %d loss %.4f %.3f s%n", i, loss, (System.nanoTime() - t0) / 1e9);
                }
            }
            for (int i = 0; i < 4; i++) {
                long t0 = System.nanoTime();
                try (NDManager step = base.newSubManager()) {
                    NDArray img = step.randomUniform(-1, 1, new Shape(16, 3, 64, 64));
                    float loss;
                    try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                        NDArray z = vae.encode(img).mean();
                        NDArray rec = vae.decode(z);
                        NDArray l = rec.sub(img).square().mean();
                        gc.backward(l);
                        loss = l.getFloat();
                    }
                    opt.step(vp.all(), 1e-4);
                    System.out.printf("vae step %d loss %.4f %.3f s%n", i, loss, (System.nanoTime() - t0) / 1e9);
                }
            }
        }
    }
}
