package dev.sparkformers.models.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import dev.sparkformers.modeling.KeyValue;

/**
 * Result of {@link GPT2Attention} and {@link GPT2Block}, HuggingFace's
 * {@code (output, present, attn_weights)} tuple.
 *
 * @param hiddenStates the output {@code [batch, seq, hidden]}
 * @param present keys and values over the cached and the new positions when the cache is on; else null
 * @param attentions attention probabilities {@code [batch, heads, seq, pastSeq + seq]} when requested; else null
 */
record GPT2LayerOutput(NDArray hiddenStates, KeyValue present, NDArray attentions) {

    /** Lists the arrays that outlive the layer's scope. */
    NDList arrays() {
        NDList arrays = new NDList(hiddenStates);
        if (present != null) {
            arrays.add(present.key());
            arrays.add(present.value());
        }
        if (attentions != null) {
            arrays.add(attentions);
        }
        return arrays;
    }
}
