package dev.sparkformers.models.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

import dev.sparkformers.modeling.AttentionMasks;
import dev.sparkformers.modeling.KeyValue;
import dev.sparkformers.nn.Conv1D;
import dev.sparkformers.nn.Module;

/**
 * GPT-2's causal multi-head self-attention, computed eagerly as HuggingFace's {@code GPT2Attention}
 * does, so that attention probabilities can be returned and padded rows match too.
 *
 * <p>{@code c_attn} projects to queries, keys and values at once ({@code [hidden, 3 * hidden]});
 * new keys and values are appended to the cached ones. Masking follows HuggingFace exactly: the
 * causal mask replaces future scores by the float32 minimum, then the additive padding mask adds
 * the float32 minimum again on padded keys. A future padded key therefore overflows to
 * {@code -inf}, while past padded keys and future real keys tie at the minimum, which decides the
 * softmax of rows whose query is a left-padding position.
 */
public class GPT2Attention extends Module {

    private final Conv1D cAttn;
    private final Conv1D cProj;
    private final int numHeads;
    private final int headDim;
    private final int embedDim;
    private final int layerIdx;
    private final boolean scaleAttnWeights;
    private final boolean scaleAttnByInverseLayerIdx;
    private final boolean reorderAndUpcastAttn;

    /**
     * @param layerIdx index of the block, used by {@code scale_attn_by_inverse_layer_idx}
     */
    public GPT2Attention(GPT2Config config, int layerIdx) {
        this.embedDim = config.nEmbd();
        this.numHeads = config.nHead();
        this.headDim = embedDim / numHeads;
        this.layerIdx = layerIdx;
        this.scaleAttnWeights = config.scaleAttnWeights();
        this.scaleAttnByInverseLayerIdx = config.scaleAttnByInverseLayerIdx();
        this.reorderAndUpcastAttn = config.reorderAndUpcastAttn();
        // HuggingFace's causal-mask buffers: computed, never saved, but present in older checkpoints.
        registerBufferName("bias");
        registerBufferName("masked_bias");
        this.cAttn = registerModule("c_attn", new Conv1D(3L * embedDim, embedDim));
        this.cProj = registerModule("c_proj", new Conv1D(embedDim, embedDim));
    }

    /**
     * @param hiddenStates {@code [batch, seq, hidden]}
     * @param layerPast this layer's cached keys and values, or null
     * @param causalMask boolean {@code [seq, pastSeq + seq]}, true where a query may see a key
     * @param paddingMask additive mask {@code [batch, 1, 1, pastSeq + seq]}, or null
     * @param useCache whether to return the keys and values for the next step
     * @param outputAttentions whether to return the attention probabilities
     */
    public GPT2LayerOutput forward(NDArray hiddenStates, KeyValue layerPast, NDArray causalMask, NDArray paddingMask,
            boolean useCache, boolean outputAttentions) {
        NDList qkv = cAttn.forward(hiddenStates).split(3, 2); // 3 x (B, T, hidden)
        NDArray query = splitHeads(qkv.get(0)); // (B, nh, T, hs)
        NDArray key = splitHeads(qkv.get(1));
        NDArray value = splitHeads(qkv.get(2));

        if (layerPast != null) {
            key = layerPast.key().concat(key, 2); // (B, nh, past + T, hs)
            value = layerPast.value().concat(value, 2);
        }
        KeyValue present = useCache ? new KeyValue(key, value) : null;

        NDArray scores = attentionScores(query, key); // (B, nh, T, past + T)
        // DJL's where does not broadcast, so the condition and the fill value get the scores' shape.
        NDArray minimum = scores.getManager()
                .full(scores.getShape(), AttentionMasks.minValue(scores.getDataType()))
                .toType(scores.getDataType(), false);
        scores = NDArrays.where(causalMask.broadcast(scores.getShape()), scores, minimum);
        if (paddingMask != null) {
            scores = scores.add(paddingMask);
        }
        NDArray probabilities = scores.softmax(-1);

        NDArray context = mergeHeads(probabilities.matMul(value)); // (B, T, hidden)
        NDArray output = cProj.forward(context);
        return new GPT2LayerOutput(output, present, outputAttentions ? probabilities : null);
    }

    /**
     * Returns {@code Q K^T} with HuggingFace's scaling: divided by {@code sqrt(head_dim)} and by
     * {@code layer_idx + 1} when configured, or, with {@code reorder_and_upcast_attn}, multiplied by
     * the product of both factors computed in double precision.
     */
    private NDArray attentionScores(NDArray query, NDArray key) {
        NDArray scores = query.matMul(key.transpose(0, 1, 3, 2)); // (B, nh, T, past + T)
        if (reorderAndUpcastAttn) {
            // TODO: HuggingFace computes these scores in float32 even for a float16 model; here they
            // stay in the model's type.
            double scale = 1.0;
            if (scaleAttnWeights) {
                scale /= Math.sqrt(headDim);
            }
            if (scaleAttnByInverseLayerIdx) {
                scale /= layerIdx + 1;
            }
            return scale == 1.0 ? scores : scores.mul((float) scale);
        }
        if (scaleAttnWeights) {
            scores = scores.div((float) Math.sqrt(headDim));
        }
        if (scaleAttnByInverseLayerIdx) {
            scores = scores.div((float) (layerIdx + 1));
        }
        return scores;
    }

    /** {@code [B, T, hidden] -> [B, nh, T, hs]}. */
    private NDArray splitHeads(NDArray x) {
        long batch = x.getShape().get(0);
        long seq = x.getShape().get(1);
        return x.reshape(batch, seq, numHeads, headDim).transpose(0, 2, 1, 3);
    }

    /** {@code [B, nh, T, hs] -> [B, T, hidden]}. */
    private NDArray mergeHeads(NDArray x) {
        long batch = x.getShape().get(0);
        long seq = x.getShape().get(2);
        return x.transpose(0, 2, 1, 3).reshape(batch, seq, embedDim);
    }
}
