package dev.sparkformers.modeling;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * Output of an encoder with a pooler, such as {@code BertModel}.
 *
 * @param lastHiddenState {@code [batch, seq, hidden]}
 * @param poolerOutput {@code [batch, hidden]}, or null for a model built without a pooler
 * @param hiddenStates the embedding output and each layer's output, when requested; else null
 * @param attentions each layer's attention probabilities {@code [batch, heads, seq, seq]}, when requested; else null
 */
public record BaseModelOutputWithPooling(NDArray lastHiddenState, NDArray poolerOutput, List<NDArray> hiddenStates,
        List<NDArray> attentions) implements ModelOutput {}
