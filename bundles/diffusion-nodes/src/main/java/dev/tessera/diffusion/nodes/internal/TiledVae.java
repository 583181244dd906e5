package dev.tessera.diffusion.nodes.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.tessera.model.api.Vae;
import java.util.ArrayList;
import java.util.List;

/**
 * ComfyUI's tiled VAE ({@code VAE.decode_tiled_} / {@code encode_tiled_} over {@code comfy.utils.tiled_scale}): the
 * image is processed in overlapping tiles, each tile's result weighted by a ramp over the overlap on every side
 * ({@code (t + 1) / feather}, also at the image's edges) and the sum divided by the summed weights; this is done
 * with three tile shapes (square, twice as tall and half as wide, the reverse) and the three results averaged, so
 * no seam sits at the same place in all of them. A batch entry that fits one tile is processed whole.
 *
 * <p>Tessera's VAE decodes to clamped pixels, so tiles are clamped before blending where ComfyUI clamps after:
 * the two differ only where overlapping tiles disagree outside [0, 1].
 */
public final class TiledVae {

    private TiledVae() {}

    /** The model call on one tile, its result attached to {@code manager}. */
    @FunctionalInterface
    private interface TileFunction {
        NDArray apply(NDArray tile, NDManager manager);
    }

    /**
     * Decodes {@code latent} {@code [B, C, h, w]} in tiles of {@code tile x tile} cells overlapping by {@code overlap}
     * cells to pixels {@code [B, h * d, w * d, 3]}, attached to {@code manager}.
     *
     * @param onTile called after each tile (progress, interrupt)
     * @throws IllegalArgumentException for a tile that leaves no step between tiles
     */
    public static NDArray decode(Vae vae, NDArray latent, int tile, int overlap, NDManager manager, Runnable onTile) {
        checkTiles(tile, overlap, "cells");
        int d = vae.latentFormat().downscale();
        TileFunction fn = vae::decode;
        try (NDManager scope = manager.newSubManager()) {
            NDArray a = tiled(latent, 2, 3, fn, tile * 2, tile / 2, overlap, d, 1, 2, scope, onTile);
            NDArray b = tiled(latent, 2, 3, fn, tile / 2, tile * 2, overlap, d, 1, 2, scope, onTile);
            NDArray c = tiled(latent, 2, 3, fn, tile, tile, overlap, d, 1, 2, scope, onTile);
            NDArray out = a.add(b).add(c).div(3f);
            out.attach(manager);
            return out;
        }
    }

    /**
     * Encodes {@code pixels} {@code [B, H, W, 3]} (sides multiples of the VAE's downscale) in tiles of
     * {@code tile x tile} pixels overlapping by {@code overlap} pixels to latents {@code [B, C, H / d, W / d]},
     * attached to {@code manager}.
     *
     * @throws IllegalArgumentException for a tile that leaves no step between tiles, or tiles not made of whole
     *     latent cells
     */
    public static NDArray encode(Vae vae, NDArray pixels, int tile, int overlap, NDManager manager, Runnable onTile) {
        checkTiles(tile, overlap, "pixels");
        int d = vae.latentFormat().downscale();
        if (tile / 2 % d != 0 || overlap % d != 0) {
            throw new IllegalArgumentException("tile_size " + tile + " and overlap " + overlap + " must make tiles of"
                    + " whole latent cells: tile_size / 2 and overlap multiples of " + d);
        }
        TileFunction fn = vae::encode;
        double scale = 1.0 / d;
        try (NDManager scope = manager.newSubManager()) {
            NDArray a = tiled(pixels, 1, 2, fn, tile, tile, overlap, scale, 2, 3, scope, onTile);
            NDArray b = tiled(pixels, 1, 2, fn, tile / 2, tile * 2, overlap, scale, 2, 3, scope, onTile);
            NDArray c = tiled(pixels, 1, 2, fn, tile * 2, tile / 2, overlap, scale, 2, 3, scope, onTile);
            NDArray out = a.add(b).add(c).div(3f);
            out.attach(manager);
            return out;
        }
    }

    /** How many tile calls {@link #decode} or {@link #encode} makes for a batch of {@code height x width}. */
    public static int calls(long batch, long height, long width, int tile, int overlap) {
        int[][] shapes = {{tile, tile}, {tile / 2, tile * 2}, {tile * 2, tile / 2}};
        long total = 0;
        for (int[] s : shapes) {
            total += height <= s[0] && width <= s[1] ? 1
                    : (long) positions(height, s[0], overlap).size() * positions(width, s[1], overlap).size();
        }
        return (int) Math.min(Integer.MAX_VALUE, batch * total);
    }

    private static void checkTiles(int tile, int overlap, String unit) {
        if (tile < 2 || overlap < 0 || tile / 2 - overlap <= 0) {
            throw new IllegalArgumentException("tiles of " + tile + " " + unit + " overlapping by " + overlap
                    + " leave no step between the half-size tiles; the overlap must be less than half the tile");
        }
    }

    /** {@code range(0, size - overlap, tile - overlap)}, or {@code [0]} when one tile covers the side. */
    private static List<Long> positions(long size, int tile, int overlap) {
        List<Long> out = new ArrayList<>();
        if (size <= tile) {
            out.add(0L);
            return out;
        }
        for (long p = 0; p < size - overlap; p += tile - overlap) {
            out.add(p);
        }
        return out;
    }

    /** ComfyUI's {@code tiled_scale_multidim} over two spatial axes, for every batch entry. */
    private static NDArray tiled(NDArray input, int inH, int inW, TileFunction fn, int tileH, int tileW, int overlap,
            double scale, int outH, int outW, NDManager manager, Runnable onTile) {
        Shape shape = input.getShape();
        long height = shape.get(inH);
        long width = shape.get(inW);
        NDList entries = new NDList();
        for (long b = 0; b < shape.get(0); b++) {
            NDArray s = input.get(new NDIndex("{}:{}", b, b + 1));
            s.attach(manager);
            if (height <= tileH && width <= tileW) {
                entries.add(fn.apply(s, manager));
                onTile.run();
                continue;
            }
            NDArray out = null;
            NDArray weights = null;
            int feather = (int) Math.rint(overlap * scale);
            for (long y : positions(height, tileH, overlap)) {
                for (long x : positions(width, tileW, overlap)) {
                    long py = Math.max(0, Math.min(height - overlap, y));
                    long px = Math.max(0, Math.min(width - overlap, x));
                    long ly = Math.min(tileH, height - py);
                    long lx = Math.min(tileW, width - px);
                    try (NDManager tile = manager.newSubManager()) {
                        NDArray in = s.get(spatial(shape.dimension(), inH, py, py + ly, inW, px, px + lx));
                        in.attach(tile);
                        NDArray ps = fn.apply(in, tile);
                        Shape ts = ps.getShape();
                        if (out == null) {
                            long[] dims = ts.getShape().clone();
                            dims[outH] = Math.round(height * scale);
                            dims[outW] = Math.round(width * scale);
                            out = manager.zeros(new Shape(dims), ps.getDataType());
                            weights = manager.zeros(new Shape(dims), ps.getDataType());
                        }
                        NDArray mask = ramp(ts, outH, feather, tile).mul(ramp(ts, outW, feather, tile))
                                .broadcast(ts);
                        long oy = Math.round(py * scale);
                        long ox = Math.round(px * scale);
                        NDIndex at = spatial(ts.dimension(), outH, oy, oy + ts.get(outH), outW, ox, ox + ts.get(outW));
                        NDArray current = out.get(at);
                        current.attach(tile);
                        NDArray currentWeight = weights.get(at);
                        currentWeight.attach(tile);
                        out.set(at, current.add(ps.mul(mask)));
                        weights.set(at, currentWeight.add(mask));
                    }
                    onTile.run();
                }
            }
            entries.add(out.div(weights));
        }
        return entries.size() == 1 ? entries.get(0) : NDArrays.concat(entries, 0);
    }

    /**
     * The blending weights along {@code axis} of a tile of shape {@code ts}, shaped to broadcast: ComfyUI multiplies
     * position {@code t} and {@code size - 1 - t} by {@code (t + 1) / feather} for {@code t < feather}, unless the
     * feather is as long as the tile.
     */
    private static NDArray ramp(Shape ts, int axis, int feather, NDManager manager) {
        int size = (int) ts.get(axis);
        float[] w = new float[size];
        java.util.Arrays.fill(w, 1f);
        if (feather < size) {
            for (int t = 0; t < feather; t++) {
                float a = (float) ((t + 1) / (double) feather);
                w[t] *= a;
                w[size - 1 - t] *= a;
            }
        }
        long[] dims = new long[ts.dimension()];
        java.util.Arrays.fill(dims, 1);
        dims[axis] = size;
        return manager.create(w, new Shape(dims));
    }

    /** The index selecting {@code [from0, to0)} on {@code axis0} and {@code [from1, to1)} on {@code axis1}. */
    private static NDIndex spatial(int rank, int axis0, long from0, long to0, int axis1, long from1, long to1) {
        StringBuilder spec = new StringBuilder();
        List<Object> args = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            if (i > 0) {
                spec.append(',');
            }
            if (i == axis0 || i == axis1) {
                spec.append("{}:{}");
                args.add(i == axis0 ? from0 : from1);
                args.add(i == axis0 ? to0 : to1);
            } else {
                spec.append(':');
            }
        }
        return new NDIndex(spec.toString(), args.toArray());
    }
}
