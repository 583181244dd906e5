package dev.tessera.models.t5;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.tessera.models.t5.internal.RelativePositionBias;
import dev.tessera.models.t5.loading.T5EncoderCheckpoint;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Properties of the encoder beyond the pack's one case: buckets, masking, batching, precision, bad input. */
class T5EncoderModelTest {

    /**
     * T5's bucket function written out independently (double arithmetic, straight from Mesh TensorFlow's
     * description), checked against the libtorch implementation on every pair of a 300-token sequence, for
     * T5-XXL's 32 buckets / 128 distance and the pack's 8 / 16.
     */
    @Test
    void bucketsMatchAnIndependentImplementationOnEveryPair() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int[] setting : new int[][] {{32, 128}, {8, 16}}) {
                int length = 300;
                long[] buckets = RelativePositionBias.buckets(manager, length, setting[0], setting[1]).toLongArray();
                for (int query = 0; query < length; query++) {
                    for (int key = 0; key < length; key++) {
                        assertEquals(referenceBucket(key - query, setting[0], setting[1]),
                                buckets[query * length + key], "query " + query + " key " + key + " " + setting[0]);
                    }
                }
            }
        }
    }

    @Test
    void bucketsAtHandPickedDistances() {
        // 32 buckets: 16 per direction, 8 exact; keys before the query (and itself) in 0..15, after in 16..31.
        try (NDManager manager = NDManager.newBaseManager()) {
            long[] row = RelativePositionBias.buckets(manager, 400, 32, 128).get(200).toLongArray();
            assertEquals(0, row[200]);
            assertEquals(1, row[199]);
            assertEquals(17, row[201]);
            assertEquals(7, row[193]);
            assertEquals(8, row[192]);
            assertEquals(15, row[0]);
            assertEquals(31, row[399]);
        }
    }

    private static long referenceBucket(int relative, int numBuckets, int maxDistance) {
        int half = numBuckets / 2;
        long bucket = relative > 0 ? half : 0;
        int distance = Math.abs(relative);
        int maxExact = half / 2;
        if (distance < maxExact) {
            return bucket + distance;
        }
        double scaled = Math.log(distance / (double) maxExact) / Math.log(maxDistance / (double) maxExact)
                * (half - maxExact);
        return bucket + Math.min(maxExact + (long) scaled, half - 1);
    }

    @Test
    void paddedTokensDoNotChangeTheOutputsOfRealTokens() {
        try (NDManager manager = NDManager.newBaseManager();
                T5EncoderCheckpoint checkpoint = open(manager, DataType.FLOAT32)) {
            Map<String, NDArray> in = Pack.encoderCase(manager);
            NDArray ids = in.get("input_ids");
            NDArray mask = in.get("attention_mask");
            long valid = mask.get(1).sum().getLong();
            assertTrue(valid < ids.getShape().get(1), "the case's second prompt is padded");
            NDArray changed = ids.duplicate();
            changed.set(new NDIndex("1, {}:", valid), 42L);
            NDArray a = checkpoint.model().forward(ids, mask).get(new NDIndex("1, :{}", valid));
            NDArray b = checkpoint.model().forward(changed, mask).get(new NDIndex("1, :{}", valid));
            assertTrue(Pack.relativeError(b, a) < 1e-6, "masked keys ignored");
            NDArray unmasked = checkpoint.model().forward(changed).get(new NDIndex("1, :{}", valid));
            assertTrue(Pack.relativeError(unmasked, a) > 1e-3, "without the mask the padding is attended to");
        }
    }

    @Test
    void eachPromptOfABatchIsEncodedAsIfAlone() {
        try (NDManager manager = NDManager.newBaseManager();
                T5EncoderCheckpoint checkpoint = open(manager, DataType.FLOAT32)) {
            Map<String, NDArray> in = Pack.encoderCase(manager);
            NDArray both = checkpoint.model().forward(in.get("input_ids"), in.get("attention_mask"));
            for (int i = 0; i < 2; i++) {
                NDArray alone = checkpoint.model().forward(in.get("input_ids").get(i).expandDims(0),
                        in.get("attention_mask").get(i).expandDims(0));
                Pack.assertClose("prompt " + i, alone.squeeze(0), both.get(i), 1e-6);
            }
        }
    }

    @Test
    void float16StaysCloseToTheFloat32Reference() {
        try (NDManager manager = NDManager.newBaseManager();
                T5EncoderCheckpoint checkpoint = open(manager, DataType.FLOAT16)) {
            Map<String, NDArray> in = Pack.encoderCase(manager);
            NDArray out = checkpoint.model().forward(in.get("input_ids"), in.get("attention_mask"));
            assertEquals(DataType.FLOAT16, out.getDataType());
            Pack.assertClose("float16 last_hidden_state", out, in.get("last_hidden_state"), 1e-2);
        }
    }

    @Test
    void bfloat16IsRefusedBeforeAnyTensorExists() {
        try (NDManager manager = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> open(manager, DataType.BFLOAT16));
            assertTrue(e.getMessage().contains("bfloat16"), e.getMessage());
        }
    }

    @Test
    void badIdsAndMasksAreNamed() {
        try (NDManager manager = NDManager.newBaseManager();
                T5EncoderCheckpoint checkpoint = open(manager, DataType.FLOAT32)) {
            T5EncoderModel model = checkpoint.model();
            NDArray floats = manager.create(new float[] {1, 2}, new Shape(1, 2));
            assertMessage(() -> model.forward(floats), "input_ids", "integer");
            NDArray outOfRange = manager.create(new long[] {1, 100}, new Shape(1, 2));
            assertMessage(() -> model.forward(outOfRange), "input_ids", "0..99");
            NDArray flat = manager.create(new long[] {1, 2});
            assertMessage(() -> model.forward(flat), "input_ids", "[batch, length]");
            NDArray ids = manager.create(new long[] {1, 2, 3}, new Shape(1, 3));
            NDArray shortMask = manager.create(new long[] {1, 1}, new Shape(1, 2));
            assertMessage(() -> model.forward(ids, shortMask), "attention_mask", "(1, 3)");
        }
    }

    @Test
    void outputHasTheConfiguredWidthAndTheIdsLength() {
        try (NDManager manager = NDManager.newBaseManager();
                T5EncoderCheckpoint checkpoint = open(manager, DataType.FLOAT32)) {
            NDArray ids = manager.create(new long[] {5, 6, 7, 1, 0}, new Shape(1, 5));
            NDArray out = checkpoint.model().forward(ids);
            assertArrayEquals(new long[] {1, 5, 32}, out.getShape().getShape());
            assertEquals(DataType.FLOAT32, out.getDataType());
        }
    }

    /** Intermediates are freed when a forward returns: repeated calls leave the managers' tensor counts unchanged. */
    @Test
    void repeatedForwardsHoldNoTensorsBeyondTheirOutputs() {
        try (NDManager manager = NDManager.newBaseManager();
                T5EncoderCheckpoint checkpoint = open(manager, DataType.FLOAT16);
                NDManager calls = manager.newSubManager()) {
            Map<String, NDArray> in = Pack.encoderCase(calls);
            checkpoint.model().forward(in.get("input_ids"), in.get("attention_mask")).close();
            int before = manager.getManagedArrays().size();
            for (int i = 0; i < 5; i++) {
                checkpoint.model().forward(in.get("input_ids"), in.get("attention_mask")).close();
                checkpoint.model().forward(in.get("input_ids")).close();
            }
            assertEquals(before, manager.getManagedArrays().size(), "tensors alive after 10 more forwards");
        }
    }

    private static void assertMessage(Runnable call, String... parts) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
        }
    }

    static T5EncoderCheckpoint open(NDManager manager, DataType dtype) {
        return T5EncoderCheckpoint.open(Pack.encoderFolder(), Device.cpu(), dtype, manager);
    }
}
