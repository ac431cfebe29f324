package dev.sparkformers.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Pooling and normalisation of token embeddings, as sentence-transformers computes them.
 *
 * <p>Inputs are {@code tokens [batch, seq, hidden]} and {@code mask [batch, seq]} (1 for real
 * tokens); outputs are {@code [batch, hidden]}. Intermediate arrays are left to the caller's scope.
 */
public final class Pooling {

    /** Smallest token count divided by, sentence-transformers' clamp. */
    private static final float MIN_TOKEN_COUNT = 1e-9f;

    /** Smallest norm divided by, PyTorch's {@code F.normalize} default. */
    private static final float MIN_NORM = 1e-12f;

    private Pooling() {}

    public static NDArray pool(PoolingMode mode, NDArray hidden, NDArray mask) {
        // Pooling runs in float32 even for a float16 model: a sum over many tokens can exceed
        // float16's largest value (65504), and Spark receives float32 embeddings anyway.
        NDArray tokens = hidden.toType(DataType.FLOAT32, false); // (B, T, H)
        NDArray maskFloat = mask.toType(DataType.FLOAT32, false).expandDims(-1); // (B, T, 1)
        return switch (mode) {
            case MEAN -> masked(tokens, maskFloat).sum(new int[] {1}).div(count(maskFloat));
            case MEAN_SQRT_LEN_TOKENS -> masked(tokens, maskFloat).sum(new int[] {1}).div(count(maskFloat).sqrt());
            case MAX -> tokens.add(maskFloat.neg().add(1f).mul(-1e9f)).max(new int[] {1});
            case CLS -> gather(tokens, firstRealIndex(mask));
            case LAST_TOKEN -> gather(tokens, lastRealIndex(mask));
        };
    }

    /** Divides each row by its L2 norm, like {@code torch.nn.functional.normalize(x, p=2, dim=1)}. */
    public static NDArray normalize(NDArray embeddings) {
        NDArray norm = embeddings.square().sum(new int[] {1}, true).sqrt().maximum(MIN_NORM); // (B, 1)
        return embeddings.div(norm);
    }

    private static NDArray masked(NDArray tokens, NDArray maskFloat) {
        return tokens.mul(maskFloat);
    }

    private static NDArray count(NDArray maskFloat) {
        return maskFloat.sum(new int[] {1}).maximum(MIN_TOKEN_COUNT); // (B, 1)
    }

    /** Index of each row's first 1 in the mask; 0 for a row without any. */
    private static NDArray firstRealIndex(NDArray mask) {
        return mask.toType(DataType.INT64, false).argMax(1);
    }

    /** Index of each row's last 1 in the mask; the last position for a row without any. */
    private static NDArray lastRealIndex(NDArray mask) {
        long seq = mask.getShape().get(1);
        NDArray reversed = mask.toType(DataType.INT64, false).flip(1);
        return reversed.argMax(1).neg().add(seq - 1);
    }

    /** Picks {@code tokens[b, index[b], :]} for each row b. */
    private static NDArray gather(NDArray tokens, NDArray index) {
        long hidden = tokens.getShape().get(2);
        NDArray expanded = index.reshape(-1, 1, 1).broadcast(index.getShape().get(0), 1, hidden); // (B, 1, H)
        return tokens.gather(expanded, 1).get(new NDIndex(":, 0, :"));
    }
}
