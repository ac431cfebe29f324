package dev.sparkformers.modeling;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * Output of a sequence classification head on a decoder, such as
 * {@code GPT2ForSequenceClassification}.
 *
 * @param loss scalar loss when labels were given; else null
 * @param logits {@code [batch, numLabels]}
 * @param pastKeyValues as in {@link BaseModelOutputWithPast}, when {@code use_cache} is on; else null
 * @param hiddenStates as in {@link BaseModelOutputWithPast}, when requested; else null
 * @param attentions as in {@link BaseModelOutputWithPast}, when requested; else null
 */
public record SequenceClassifierOutputWithPast(NDArray loss, NDArray logits, List<KeyValue> pastKeyValues,
        List<NDArray> hiddenStates, List<NDArray> attentions) implements ModelOutput {}
