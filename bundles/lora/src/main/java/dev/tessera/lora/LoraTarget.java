package dev.tessera.lora;

import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Where (part of) one LoRA module's delta goes: a model parameter by canonical name, and which rows of the
 * module's up factor, in order, make up that parameter's rows. A module on a plain linear or conv layer has one
 * target taking all its rows; a module on a fused layer (FLUX/SD3 {@code qkv}, FLUX {@code linear1}) has one target
 * per split parameter; a module on a layer stored with its halves swapped (FLUX/SD3 final modulation) has one target
 * taking the halves in the other order.
 *
 * @param parameter  canonical parameter name, e.g. {@code down_blocks.0.attentions.0.proj_in.weight}
 * @param shape      its shape in the model
 * @param sourceRows ranges {@code [start, end)} of the up factor's rows; their lengths add up to {@code
 *                   shape.get(0)}
 */
public record LoraTarget(String parameter, Shape shape, List<Rows> sourceRows) {

    /** Rows {@code [start, end)} of a module's up factor. */
    public record Rows(long start, long end) {

        public Rows {
            if (start < 0 || end <= start) {
                throw new IllegalArgumentException("row range [" + start + ", " + end + ") is empty or negative");
            }
        }

        public long length() {
            return end - start;
        }
    }

    public LoraTarget {
        sourceRows = List.copyOf(sourceRows);
        long rows = sourceRows.stream().mapToLong(Rows::length).sum();
        if (rows != shape.get(0)) {
            throw new IllegalArgumentException(parameter + ": source rows add up to " + rows + ", the parameter has "
                    + shape.get(0));
        }
    }

    /** A target taking all of a module's rows: the module sits on exactly this parameter. */
    public static LoraTarget whole(String parameter, Shape shape) {
        return new LoraTarget(parameter, shape, List.of(new Rows(0, shape.get(0))));
    }
}
