package dev.tessera.lora.internal.nodes;

import ai.djl.ndarray.NDManager;
import dev.tessera.model.api.BoundDenoiser;
import dev.tessera.model.api.Conditioning;
import dev.tessera.model.api.DiffusionModel;
import dev.tessera.model.api.LatentFormat;
import dev.tessera.model.api.ModelPatch;
import dev.tessera.model.api.TextEncoder;
import dev.tessera.lora.internal.LoraCatalog;
import dev.tessera.sampling.NoiseSchedule;
import dev.tessera.sampling.Prediction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the LoRA node tests need beyond node-testing's host services: the names LoRA bundles offer, and MODEL/CLIP
 * handles that keep a patch list as the real handles do. The real handles live in sd-nodes, which this bundle does
 * not depend on; sampling and encoding are the SD nodes' business and are not exercised here.
 */
final class NodeFixtures {

    private NodeFixtures() {
    }

    /**
     * The names LoRA bundles offer, set by the test; the real catalog (the extender, tested in a framework by
     * LoraBundleExtenderTest) answers the same two questions.
     */
    static final class Bundled implements LoraCatalog {
        private final Map<String, Path> offered = new LinkedHashMap<>();

        Bundled offer(String name, Path file) {
            offered.put(name, file);
            return this;
        }

        Bundled drop(String name) {
            offered.remove(name);
            return this;
        }

        @Override
        public synchronized List<String> names() {
            return List.copyOf(offered.keySet());
        }

        @Override
        public synchronized Optional<Path> find(String name) {
            return Optional.ofNullable(offered.get(name));
        }
    }

    /** A MODEL handle of a family: its patch list, new handles from withPatch, closing tracked. */
    static final class Model implements DiffusionModel {
        private final LatentFormat format;
        private final List<ModelPatch> patches;
        boolean closed;

        Model(LatentFormat format, List<ModelPatch> patches) {
            this.format = format;
            this.patches = List.copyOf(patches);
        }

        @Override public LatentFormat latentFormat() { return format; }
        @Override public Prediction prediction() { return Prediction.EPSILON; }
        @Override public NoiseSchedule noiseSchedule() { return NoiseSchedule.stableDiffusion(); }
        @Override public List<ModelPatch> patches() { return patches; }

        @Override
        public Model withPatch(ModelPatch patch) {
            List<ModelPatch> more = new ArrayList<>(patches);
            more.add(patch);
            return new Model(format, more);
        }

        @Override
        public BoundDenoiser guided(Conditioning positive, Conditioning negative, double cfg, NDManager manager) {
            throw new UnsupportedOperationException("sampling is not part of the LoRA node tests");
        }

        @Override public void close() { closed = true; }
    }

    /** A CLIP handle: its patch list and new handles from withPatch. */
    static final class Clip implements TextEncoder {
        private final List<ModelPatch> patches;

        Clip(List<ModelPatch> patches) {
            this.patches = List.copyOf(patches);
        }

        @Override public String family() { return "sd1"; }
        @Override public int layerCount() { return 3; }
        @Override public int lastLayer() { return -1; }
        @Override public TextEncoder withLastLayer(int layer) { return this; }
        @Override public List<ModelPatch> patches() { return patches; }

        @Override
        public Clip withPatch(ModelPatch patch) {
            List<ModelPatch> more = new ArrayList<>(patches);
            more.add(patch);
            return new Clip(more);
        }

        @Override
        public Conditioning encode(String text, NDManager owner) {
            throw new UnsupportedOperationException("encoding is not part of the LoRA node tests");
        }

        @Override public void close() { }
    }
}
