package dev.sparkformers.modeling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * Training losses of the task heads, computed as PyTorch computes them, for parity checks and
 * evaluation. They run on the CPU in double precision over the (small) logits of a batch.
 */
public final class Losses {

    /** Label value that {@link #crossEntropy} skips, PyTorch's default {@code ignore_index}. */
    public static final long IGNORE_INDEX = -100;

    private Losses() {}

    /**
     * Mean cross entropy of {@code logits [N, C]} against class ids {@code labels [N]}, skipping
     * labels equal to {@link #IGNORE_INDEX}; NaN when every label is skipped, as in PyTorch.
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels, NDManager manager) {
        long classes = logits.getShape().get(logits.getShape().dimension() - 1);
        float[] values = logits.toFloatArray();
        long[] targets = labels.toType(ai.djl.ndarray.types.DataType.INT64, false).toLongArray();
        double total = 0;
        long counted = 0;
        for (int row = 0; row < targets.length; row++) {
            if (targets[row] == IGNORE_INDEX) {
                continue;
            }
            if (targets[row] < 0 || targets[row] >= classes) {
                throw new IllegalArgumentException("Label " + targets[row] + " at row " + row + " is outside [0, "
                        + classes + ")");
            }
            int offset = (int) (row * classes);
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, values[offset + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(values[offset + c] - max);
            }
            total += max + Math.log(sum) - values[offset + (int) targets[row]];
            counted++;
        }
        return manager.create((float) (total / counted));
    }

    /** Mean squared error between {@code predictions} and {@code targets} of the same size. */
    public static NDArray meanSquaredError(NDArray predictions, NDArray targets, NDManager manager) {
        float[] p = predictions.toFloatArray();
        float[] t = targets.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        double total = 0;
        for (int i = 0; i < p.length; i++) {
            double d = p[i] - t[i];
            total += d * d;
        }
        return manager.create((float) (total / p.length));
    }

    /** Mean binary cross entropy of sigmoid({@code logits}) against 0/1 {@code targets}, computed stably. */
    public static NDArray binaryCrossEntropyWithLogits(NDArray logits, NDArray targets, NDManager manager) {
        float[] x = logits.toFloatArray();
        float[] y = targets.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            total += Math.max(x[i], 0) - x[i] * y[i] + Math.log1p(Math.exp(-Math.abs(x[i])));
        }
        return manager.create((float) (total / x.length));
    }
}
