package dev.sparkformers.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import dev.sparkformers.nn.Module;
import dev.sparkformers.nn.Scopes;

/** One transformer encoder layer: attention, then the feed-forward block. */
public class BertLayer extends Module {

    private final BertAttention attention;
    private final BertIntermediate intermediate;
    private final BertOutput output;

    public BertLayer(BertConfig config) {
        this.attention = registerModule("attention", new BertAttention(config));
        this.intermediate = registerModule("intermediate", new BertIntermediate(config));
        this.output = registerModule("output", new BertOutput(config));
    }

    /**
     * Returns the layer output {@code [batch, seq, hidden]} and, if {@code keepAttentions}, the
     * attention probabilities; every other intermediate array is released before returning.
     */
    public NDList forward(NDArray hiddenStates, NDArray extendedMask, boolean keepAttentions) {
        return Scopes.keep(() -> {
            NDList attentionOutputs = attention.forward(hiddenStates, extendedMask);
            NDArray attentionOutput = attentionOutputs.get(0);
            if (!keepAttentions) {
                attentionOutputs.get(1).close();
            }
            NDArray expanded = intermediate.forward(attentionOutput); // (B, T, intermediate)
            NDArray layerOutput = output.forward(expanded, attentionOutput);
            expanded.close();
            return keepAttentions ? new NDList(layerOutput, attentionOutputs.get(1)) : new NDList(layerOutput);
        }, list -> list);
    }
}
