package dev.sparkformers.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.SparseFormat;

/**
 * A lookup table, PyTorch's {@code nn.Embedding}: row {@code i} of {@code weight [numEmbeddings, dim]}
 * for each index {@code i}.
 *
 * <p>Input: int64 indices of any shape; output: that shape plus {@code [dim]}. Indices outside
 * {@code [0, numEmbeddings)} fail in the native library, so callers check ids that come from data.
 */
public class Embedding extends Module {

    private final Parameter weight;
    private final long numEmbeddings;

    public Embedding(long numEmbeddings, long dim) {
        this.weight = registerParameter("weight", Init.NORMAL, numEmbeddings, dim);
        this.numEmbeddings = numEmbeddings;
    }

    public NDArray forward(NDArray indices) {
        return ai.djl.nn.core.Embedding.embedding(indices, weight.array(), SparseFormat.DENSE).singletonOrThrow();
    }

    public Parameter weight() {
        return weight;
    }

    public long numEmbeddings() {
        return numEmbeddings;
    }
}
