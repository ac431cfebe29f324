package dev.sparkformers.bench;

/**
 * Floating-point operations of a BERT encoder call, counted from its shapes: two per
 * multiply-add of the linear layers and of the two attention matrix products. Element-wise
 * operations, LayerNorm and softmax are left out; they are a few percent.
 */
final class BertFlops {

    private final long hidden;
    private final long intermediate;
    private final long layers;

    BertFlops(long hidden, long intermediate, long layers) {
        this.hidden = hidden;
        this.intermediate = intermediate;
        this.layers = layers;
    }

    /** The all-MiniLM-L6-v2 shape: 384 hidden, 1536 intermediate, 6 layers. */
    static BertFlops miniLm() {
        return new BertFlops(384, 1536, 6);
    }

    /** FLOPs of one call on {@code rows} sequences padded to {@code length} tokens. */
    double call(long rows, long length) {
        double tokens = (double) rows * length;
        double linear = 2.0 * tokens * (4 * hidden * hidden + 2 * hidden * intermediate);
        double attention = 2.0 * 2.0 * rows * (double) length * length * hidden;
        return layers * (linear + attention);
    }
}
