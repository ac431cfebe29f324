package dev.sparkformers.modeling;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * Output of an encoder without a pooler.
 *
 * @param lastHiddenState {@code [batch, seq, hidden]}
 * @param hiddenStates the embedding output and each layer's output, when requested; else null
 * @param attentions each layer's attention probabilities {@code [batch, heads, seq, seq]}, when requested; else null
 */
public record BaseModelOutput(NDArray lastHiddenState, List<NDArray> hiddenStates, List<NDArray> attentions)
        implements ModelOutput {}
