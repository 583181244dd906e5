package dev.tessera.sampling.internal;

/**
 * The few NumPy and PyTorch array routines that diffusers' schedulers use, reproduced in their own arithmetic
 * (float64 where NumPy computes in float64, float32 where torch computes in float32) so that timesteps round the
 * same way and sigmas agree to the last bits that matter.
 */
public final class NumpyCompat {

    private NumpyCompat() {}

    /** {@code np.linspace(start, stop, num)} in float64: {@code i * step + start}, last element exactly {@code stop}. */
    public static double[] linspace(double start, double stop, int num) {
        double[] y = new double[num];
        if (num == 1) {
            y[0] = start;
            return y;
        }
        double step = (stop - start) / (num - 1);
        for (int i = 0; i < num; i++) {
            y[i] = step == 0 ? (i / (double) (num - 1)) * (stop - start) + start : i * step + start;
        }
        y[num - 1] = stop;
        return y;
    }

    /**
     * {@code torch.linspace(start, end, steps, dtype=float32)} on the CPU: float32 step, the first half counted
     * from {@code start} and the second half from {@code end}.
     */
    public static float[] torchLinspaceFloat(float start, float end, int steps) {
        float[] y = new float[steps];
        if (steps == 1) {
            y[0] = start;
            return y;
        }
        float step = (end - start) / (float) (steps - 1);
        int halfway = steps / 2;
        for (int i = 0; i < steps; i++) {
            y[i] = i < halfway ? start + step * (float) i : end - step * (float) (steps - i - 1);
        }
        return y;
    }

    /**
     * {@code np.arange(start, stop, step)} for float arguments: NumPy fills {@code start + i * delta} with
     * {@code delta = (start + step) - start}.
     */
    public static double[] arange(double start, double stop, double step) {
        int length = (int) Math.ceil((stop - start) / step);
        if (length <= 0) {
            return new double[0];
        }
        double[] y = new double[length];
        y[0] = start;
        if (length > 1) {
            double next = start + step;
            double delta = next - start;
            y[1] = next;
            for (int i = 2; i < length; i++) {
                y[i] = start + i * delta;
            }
        }
        return y;
    }

    /** {@code np.round} with no decimals: round half to even. */
    public static double round(double v) {
        return Math.rint(v);
    }

    /** {@code np.interp(x, arange(len(fp)), fp)} for a single point, in NumPy's arithmetic. */
    public static double interpAtIndex(double x, float[] fp) {
        int last = fp.length - 1;
        if (Double.isNaN(x)) {
            return x;
        }
        if (x <= 0) {
            return fp[0];
        }
        if (x >= last) {
            return fp[last];
        }
        int j = (int) Math.floor(x);
        double slope = ((double) fp[j + 1] - (double) fp[j]) / 1.0;
        double result = slope * (x - j) + fp[j];
        if (Double.isNaN(result)) {
            result = slope * (x - (j + 1)) + fp[j + 1];
        }
        return result;
    }

    /** Reverses an array in place and returns it. */
    public static double[] reverse(double[] values) {
        for (int i = 0, j = values.length - 1; i < j; i++, j--) {
            double tmp = values[i];
            values[i] = values[j];
            values[j] = tmp;
        }
        return values;
    }

    /** Rounds every element to float32, as {@code .astype(np.float32)} does. */
    public static double[] toFloat32(double[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }
}
