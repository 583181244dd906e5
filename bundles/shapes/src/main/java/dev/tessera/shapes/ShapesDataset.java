package dev.tessera.shapes;

import dev.tessera.layout.LayoutDataset;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Writes scenes of the shapes world as a {@link LayoutDataset} folder. */
public final class ShapesDataset {

    private ShapesDataset() {}

    /**
     * Writes scenes {@code 0 .. count-1} of dataset {@code seed} as entries {@code 000000 ..} and an index listing
     * exactly them, and returns the dataset opened.
     */
    public static LayoutDataset write(Path folder, SceneGenerator generator, long seed, int count) throws IOException {
        if (count < 0) {
            throw new IllegalArgumentException("scene count " + count + " is negative; expected >= 0");
        }
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Scene scene = generator.scene(seed, i);
            names.add(LayoutDataset.write(folder, i, scene.render(), scene.layout()).name());
        }
        LayoutDataset.writeIndex(folder, names);
        return LayoutDataset.open(folder);
    }
}
