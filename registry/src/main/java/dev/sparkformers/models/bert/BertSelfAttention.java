package dev.sparkformers.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import dev.sparkformers.nn.Linear;
import dev.sparkformers.nn.Module;

/**
 * Multi-head scaled dot-product self-attention:
 * {@code softmax(Q K^T / sqrt(headDim) + mask) V}, computed eagerly as HuggingFace's
 * {@code BertSelfAttention} does, so that the attention probabilities can be returned.
 */
public class BertSelfAttention extends Module {

    private final Linear query;
    private final Linear key;
    private final Linear value;
    private final int numHeads;
    private final int headSize;

    public BertSelfAttention(BertConfig config) {
        this.numHeads = config.numAttentionHeads();
        this.headSize = config.hiddenSize() / config.numAttentionHeads();
        this.query = registerModule("query", new Linear(config.hiddenSize(), config.hiddenSize()));
        this.key = registerModule("key", new Linear(config.hiddenSize(), config.hiddenSize()));
        this.value = registerModule("value", new Linear(config.hiddenSize(), config.hiddenSize()));
    }

    /**
     * @param hiddenStates {@code [batch, seq, hidden]}
     * @param extendedMask additive mask {@code [batch, 1, 1, seq]}, or null
     * @return the context {@code [batch, seq, hidden]} and the probabilities {@code [batch, heads, seq, seq]}
     */
    public NDList forward(NDArray hiddenStates, NDArray extendedMask) {
        NDArray q = splitHeads(query.forward(hiddenStates)); // (B, nh, T, hs)
        NDArray k = splitHeads(key.forward(hiddenStates));
        NDArray v = splitHeads(value.forward(hiddenStates));

        // Intermediates are closed as soon as they are used: the score matrices are the largest
        // arrays of the layer, and freeing them early keeps a batch's peak memory low.
        NDArray keysTransposed = k.transpose(0, 1, 3, 2);
        NDArray scores = q.matMul(keysTransposed).divi((float) Math.sqrt(headSize)); // (B, nh, T, T)
        close(q, k, keysTransposed);
        if (extendedMask != null) {
            scores.addi(extendedMask);
        }
        NDArray probabilities = scores.softmax(-1);
        scores.close();

        NDArray context = probabilities.matMul(v); // (B, nh, T, hs)
        v.close();
        NDArray merged = mergeHeads(context);
        context.close();
        return new NDList(merged, probabilities);
    }

    private static void close(NDArray... arrays) {
        for (NDArray array : arrays) {
            array.close();
        }
    }

    /** {@code [B, T, hidden] -> [B, nh, T, hs]}. */
    private NDArray splitHeads(NDArray x) {
        long batch = x.getShape().get(0);
        long seq = x.getShape().get(1);
        return x.reshape(batch, seq, numHeads, headSize).transpose(0, 2, 1, 3);
    }

    /** {@code [B, nh, T, hs] -> [B, T, hidden]}. */
    private NDArray mergeHeads(NDArray x) {
        long batch = x.getShape().get(0);
        long seq = x.getShape().get(2);
        return x.transpose(0, 2, 1, 3).reshape(batch, seq, (long) numHeads * headSize);
    }
}
