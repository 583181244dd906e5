package dev.tessera.models.dit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.tensor.TensorScope;

/**
 * SD3's prompt conditioning from its three text encoders' outputs, as ComfyUI's {@code SD3ClipModel} composes it
 * ({@code comfy/text_encoders/sd3_clip.py}): CLIP-L's and CLIP-G's penultimate states (without final norm)
 * concatenated along channels, zero-padded on the right to T5's width, then T5-XXL's last states appended along
 * tokens; the pooled vector is CLIP-L's pooled output followed by CLIP-G's projected one.
 *
 * <p>An absent part is handled as ComfyUI does: without CLIP-L its channels are zeros (CLIP-G's states shifted right
 * by CLIP-L's width) and its pooled part zeros; without CLIP-G nothing follows CLIP-L's channels but padding; without
 * T5 the CLIP states are the whole sequence (no T5 tokens; diffusers instead appends 77 zero tokens); with no part
 * at all, {@value #EMPTY_TOKENS} zero tokens. The widths of absent encoders come from {@link Widths}.
 */
public final class Sd3TextConditioning {

    /** Tokens of the all-zero conditioning ComfyUI gives when no encoder contributes. */
    public static final int EMPTY_TOKENS = 77;

    /**
     * Widths of the parts, used where a part is absent (ComfyUI hardcodes SD3's: {@link #sd3()}).
     *
     * @param clipL CLIP-L's width (states and pooled output)
     * @param clipG CLIP-G's state width
     * @param clipGPooled CLIP-G's projected pooled width
     * @param context T5's width, which the CLIP states are padded to
     */
    public record Widths(long clipL, long clipG, long clipGPooled, long context) {
        public Widths {
            if (clipL < 1 || clipG < 1 || clipGPooled < 1 || context < 1) {
                throw new IllegalArgumentException("SD3 text widths must be positive: " + clipL + ", " + clipG + ", "
                        + clipGPooled + ", " + context);
            }
        }

        /** SD3's encoders: CLIP-L 768, CLIP-G 1280 (projected 1280), T5-XXL 4096. */
        public static Widths sd3() {
            return new Widths(768, 1280, 1280, 4096);
        }

        /** The pooled vector's width (CLIP-L + CLIP-G projected), the MMDiT's pooled_projection_dim. */
        public long pooled() {
            return clipL + clipGPooled;
        }
    }

    private Sd3TextConditioning() {}

    /**
     * The conditioning of one prompt; any part may be null (absent encoder, or no tokens for it).
     *
     * @param clipL CLIP-L's penultimate states [1, T, clipL]
     * @param clipLPooled CLIP-L's pooled output [1, clipL] (not projected)
     * @param clipG CLIP-G's penultimate states [1, T, clipG] (the same T as CLIP-L's)
     * @param clipGPooled CLIP-G's projected pooled output [1, clipGPooled]
     * @param t5 T5's last hidden states [1, S, context]
     * @return {@code [context states [1, T + S, context], pooled [1, clipL + clipGPooled]]}, new arrays on
     *     {@code manager}
     * @throws IllegalArgumentException naming the part whose shape does not fit {@code widths} or the others
     */
    public static NDList compose(NDArray clipL, NDArray clipLPooled, NDArray clipG, NDArray clipGPooled, NDArray t5,
            Widths widths, NDManager manager) {
        check("CLIP-L states", clipL, widths.clipL());
        check("CLIP-L pooled output", clipLPooled, widths.clipL());
        check("CLIP-G states", clipG, widths.clipG());
        check("CLIP-G projected pooled output", clipGPooled, widths.clipGPooled());
        check("T5 states", t5, widths.context());
        if (clipL != null && clipG != null && clipL.getShape().get(1) != clipG.getShape().get(1)) {
            throw new IllegalArgumentException("CLIP-L states have " + clipL.getShape().get(1) + " tokens, CLIP-G's "
                    + clipG.getShape().get(1) + ": pad the shorter prompt with empty windows first");
        }
        DataType first = DataType.FLOAT32;
        for (NDArray part : new NDArray[] {clipL, clipLPooled, clipG, clipGPooled, t5}) {
            if (part != null) {
                first = part.getDataType();
                break;
            }
        }
        DataType dtype = first;
        NDList out = TensorScope.keepAll(() -> {
            NDArray lg = null;
            if (clipL != null || clipG != null) {
                long tokens = (clipL != null ? clipL : clipG).getShape().get(1);
                NDArray left = clipL != null ? clipL.toType(dtype, false)
                        : manager.zeros(new Shape(1, tokens, widths.clipL()), dtype);
                NDArray joined = clipG != null ? left.concat(clipG.toType(dtype, false), 2) : left;
                long pad = widths.context() - joined.getShape().get(2);
                if (pad < 0) {
                    throw new IllegalArgumentException("SD3 text conditioning: the CLIP states are "
                            + joined.getShape().get(2) + " wide (CLIP-L " + widths.clipL() + (clipG != null
                            ? " + CLIP-G " + widths.clipG() : "") + "), more than the T5 width " + widths.context()
                            + " they are padded to");
                }
                lg = pad == 0 ? joined : joined.concat(manager.zeros(new Shape(1, tokens, pad), dtype), 2);
            }
            NDArray context;
            if (t5 == null) {
                context = lg != null ? lg : manager.zeros(new Shape(1, EMPTY_TOKENS, widths.context()), dtype);
            } else {
                context = lg != null ? lg.concat(t5.toType(dtype, false), 1) : t5.toType(dtype, false);
            }
            NDArray pooledL = clipLPooled != null ? clipLPooled.toType(dtype, false)
                    : manager.zeros(new Shape(1, widths.clipL()), dtype);
            NDArray pooledG = clipGPooled != null ? clipGPooled.toType(dtype, false)
                    : manager.zeros(new Shape(1, widths.clipGPooled()), dtype);
            // A copy: the states must not alias an input the caller may close (a part passed through unchanged).
            return new NDList(context.duplicate(), pooledL.concat(pooledG, 1));
        });
        out.attach(manager);
        return out;
    }

    private static void check(String what, NDArray part, long width) {
        if (part == null) {
            return;
        }
        Shape shape = part.getShape();
        if (shape.get(0) != 1 || shape.get(shape.dimension() - 1) != width) {
            throw new IllegalArgumentException("SD3 text conditioning: " + what + " " + shape + ", expected batch 1 and"
                    + " width " + width);
        }
    }
}
