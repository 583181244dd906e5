package dev.tessera.sampling.internal;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.tessera.sampling.Denoiser;
import dev.tessera.sampling.NoiseSource;
import dev.tessera.sampling.Prediction;
import dev.tessera.sampling.Schedule;
import dev.tessera.sampling.UniPcVariant;
import java.util.ArrayList;
import java.util.List;

/**
 * UniPC (Zhao et al. 2023) as diffusers' {@code UniPCMultistepScheduler} with {@code predict_x0=True} and
 * {@code lower_order_final=True}: each step first corrects the previous prediction with the model output at the
 * new point (UniC), then predicts the next point (UniP) from the last {@code order} x0 estimates. Orders warm up
 * from 1 and drop again near the end. Scalar coefficients are computed in float64.
 */
public final class UniPcSampler extends SamplerBase {

    private final int order;
    private final UniPcVariant variant;

    public UniPcSampler(Prediction prediction, int order, UniPcVariant variant) {
        super(variant == UniPcVariant.BH2 ? "uni_pc_bh2" : "uni_pc", prediction);
        if (order < 1 || order > 3) {
            throw new IllegalArgumentException("UniPC order must be 1, 2 or 3, got " + order);
        }
        this.order = order;
        this.variant = variant;
    }

    @Override
    LatentSpace space(Schedule schedule) {
        if (schedule.kind() != Schedule.Kind.DIFFUSION) {
            throw new IllegalArgumentException(name() + " runs diffusion schedules only, not " + schedule.kind());
        }
        return LatentSpace.VARIANCE_PRESERVING;
    }

    @Override
    Run start(Schedule schedule, Denoiser model, NoiseSource noise) {
        return new UniPcRun(schedule, model);
    }

    private final class UniPcRun implements Run {
        private final Schedule schedule;
        private final Denoiser model;
        /** x0 estimates of the latest steps, oldest first; entry k belongs to step {@code firstStep + k}. */
        private final List<NDArray> history = new ArrayList<>();
        private NDArray lastSample;
        private int thisOrder;
        private int lowerOrderNums;

        UniPcRun(Schedule schedule, Denoiser model) {
            this.schedule = schedule;
            this.model = model;
        }

        @Override
        public StepOutput step(int i, NDArray x) {
            NDArray out = predict(model, x, x, schedule, i);
            NDArray denoised = VpLevel.of(schedule.sigma(i)).denoised(prediction, out, x);
            NDArray sample = x;
            if (i > 0 && lastSample != null) {
                sample = correct(i, denoised, lastSample, thisOrder);
            }
            history.add(denoised);
            if (history.size() > order) {
                history.remove(0);
            }
            int wanted = Math.min(order, schedule.steps() - i);
            thisOrder = Math.min(wanted, lowerOrderNums + 1);
            lastSample = sample;
            NDArray next = predictNext(i, sample, thisOrder);
            lowerOrderNums = Math.min(lowerOrderNums + 1, order);
            return new StepOutput(next, denoised);
        }

        @Override
        public void carryInto(NDManager scope) {
            for (NDArray m : history) {
                m.attach(scope);
            }
            lastSample.attach(scope);
        }

        /** x0 estimate of step {@code step}, which must be among the last {@code order}. */
        private NDArray denoisedAt(int current, int step) {
            return history.get(history.size() - 1 - (current - step));
        }

        /** UniP: from {@code x} at sigma(i) to sigma(i + 1) with the x0 estimates of steps i, i-1, ... */
        private NDArray predictNext(int i, NDArray x, int p) {
            VpLevel s0 = VpLevel.of(schedule.sigma(i));
            VpLevel t = VpLevel.of(schedule.sigma(i + 1));
            Coefficients c = new Coefficients(t.lambda() - s0.lambda(), variant, p);
            List<Double> coefficients = new ArrayList<>();
            List<NDArray> arrays = new ArrayList<>();
            coefficients.add(t.sigma() / s0.sigma());
            arrays.add(x);
            NDArray m0 = denoisedAt(i, i);
            double m0Coefficient = -t.alpha() * c.hPhi1;
            if (p >= 2) {
                double[] rks = new double[p - 1];
                for (int k = 1; k < p; k++) {
                    rks[k - 1] = (VpLevel.of(schedule.sigma(i - k)).lambda() - s0.lambda()) / c.h;
                }
                // diffusers fixes rho to 0.5 for order 2 and solves the truncated system above that.
                double[] rhos = p == 2 ? new double[] {0.5} : c.solve(rks, p - 1);
                for (int k = 1; k < p; k++) {
                    double weight = -t.alpha() * c.bh * rhos[k - 1] / rks[k - 1];
                    coefficients.add(weight);
                    arrays.add(denoisedAt(i, i - k));
                    m0Coefficient -= weight;
                }
            }
            coefficients.add(m0Coefficient);
            arrays.add(m0);
            return combine(coefficients, arrays);
        }

        /** UniC: corrects the sample at sigma(i), predicted from {@code last} at sigma(i-1), with mT at sigma(i). */
        private NDArray correct(int i, NDArray modelT, NDArray last, int p) {
            VpLevel s0 = VpLevel.of(schedule.sigma(i - 1));
            VpLevel t = VpLevel.of(schedule.sigma(i));
            Coefficients c = new Coefficients(t.lambda() - s0.lambda(), variant, p);
            double[] rks = new double[p - 1];
            for (int k = 1; k < p; k++) {
                rks[k - 1] = (VpLevel.of(schedule.sigma(i - 1 - k)).lambda() - s0.lambda()) / c.h;
            }
            double[] rhos = p == 1 ? new double[] {0.5} : c.solve(rks, p);
            NDArray m0 = denoisedAt(i - 1, i - 1);
            List<Double> coefficients = new ArrayList<>();
            List<NDArray> arrays = new ArrayList<>();
            coefficients.add(t.sigma() / s0.sigma());
            arrays.add(last);
            double m0Coefficient = -t.alpha() * c.hPhi1;
            for (int k = 1; k < p; k++) {
                double weight = -t.alpha() * c.bh * rhos[k - 1] / rks[k - 1];
                coefficients.add(weight);
                arrays.add(denoisedAt(i - 1, i - 1 - k));
                m0Coefficient -= weight;
            }
            double tWeight = -t.alpha() * c.bh * rhos[p - 1];
            coefficients.add(tWeight);
            arrays.add(modelT);
            m0Coefficient -= tWeight;
            coefficients.add(m0Coefficient);
            arrays.add(m0);
            return combine(coefficients, arrays);
        }

        private NDArray combine(List<Double> coefficients, List<NDArray> arrays) {
            double[] c = new double[coefficients.size()];
            for (int k = 0; k < c.length; k++) {
                c[k] = coefficients.get(k);
            }
            return SamplerBase.combine(c, arrays.toArray(NDArray[]::new));
        }
    }

    /** The step-size functions of one UniPC update in data-prediction form ({@code hh = -h}). */
    private static final class Coefficients {
        final double h;
        final double hPhi1;
        final double bh;
        /** b_k = h_phi_k * k! / B(h) for k = 1..order. */
        final double[] b;

        Coefficients(double h, UniPcVariant variant, int order) {
            this.h = h;
            double hh = -h;
            hPhi1 = Math.expm1(hh);
            bh = variant == UniPcVariant.BH1 ? hh : Math.expm1(hh);
            b = new double[order];
            double hPhiK = hPhi1 / hh - 1;
            double factorial = 1;
            for (int k = 1; k <= order; k++) {
                b[k - 1] = hPhiK * factorial / bh;
                factorial *= k + 1;
                hPhiK = hPhiK / hh - 1 / factorial;
            }
        }

        /** Solves {@code R rho = b} on the leading {@code n x n} block, {@code R[k][j] = r_j^k} with r_last = 1. */
        double[] solve(double[] rks, int n) {
            double[][] a = new double[n][n + 1];
            for (int row = 0; row < n; row++) {
                for (int col = 0; col < n; col++) {
                    double r = col < rks.length ? rks[col] : 1.0;
                    a[row][col] = Math.pow(r, row);
                }
                a[row][n] = b[row];
            }
            return gaussianElimination(a, n);
        }

        private static double[] gaussianElimination(double[][] a, int n) {
            for (int col = 0; col < n; col++) {
                int pivot = col;
                for (int row = col + 1; row < n; row++) {
                    if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) {
                        pivot = row;
                    }
                }
                double[] swap = a[col];
                a[col] = a[pivot];
                a[pivot] = swap;
                if (a[col][col] == 0) {
                    throw new ArithmeticException("UniPC coefficient system is singular (repeated noise levels?)");
                }
                for (int row = col + 1; row < n; row++) {
                    double f = a[row][col] / a[col][col];
                    for (int k = col; k <= n; k++) {
                        a[row][k] -= f * a[col][k];
                    }
                }
            }
            double[] x = new double[n];
            for (int row = n - 1; row >= 0; row--) {
                double s = a[row][n];
                for (int k = row + 1; k < n; k++) {
                    s -= a[row][k] * x[k];
                }
                x[row] = s / a[row][row];
            }
            return x;
        }
    }
}
