package dev.tessera.training;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

/** Runs the standard shapes recipe outside the application: {@code java ... ShapesTrainingMain WORK EXPORT [SEED]}. */
public final class ShapesTrainingMain {
    public static void main(String[] args) throws Exception {
        System.setProperty("ai.djl.pytorch.graph_optimizer", "false");
        AtomicBoolean stop = new AtomicBoolean();
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.set(true);
            try {
                main.join(120_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            boolean done = ShapesRecipe.run(ShapesRecipe.standard(args.length > 2 ? Long.parseLong(args[2]) : 0),
                    Path.of(args[0]), Path.of(args[1]), manager, new TrainingProgress(System.err, false), stop::get);
            System.err.println(done ? "finished" : "stopped");
        }
    }
}
