package dev.sparkformers.modeling;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * Output of a decoder that can cache attention keys and values, such as {@code GPT2Model}.
 *
 * @param lastHiddenState {@code [batch, seq, hidden]}
 * @param pastKeyValues each layer's keys and values over the cached and the new positions, when
 *     {@code use_cache} is on; else null. Pass them as {@code past_key_values} of the next call.
 * @param hiddenStates the embedding output and each layer's output, when requested; else null
 * @param attentions each layer's attention probabilities {@code [batch, heads, seq, pastSeq + seq]},
 *     when requested; else null
 */
public record BaseModelOutputWithPast(NDArray lastHiddenState, List<KeyValue> pastKeyValues,
        List<NDArray> hiddenStates, List<NDArray> attentions) implements ModelOutput {}
