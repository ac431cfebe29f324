package dev.sparkformers.modeling;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * Output of a causal language modelling head, such as {@code GPT2LMHeadModel}.
 *
 * @param loss scalar next-token loss when labels were given; else null
 * @param logits {@code [batch, seq, vocab]}
 * @param pastKeyValues as in {@link BaseModelOutputWithPast}, when {@code use_cache} is on; else null
 * @param hiddenStates as in {@link BaseModelOutputWithPast}, when requested; else null
 * @param attentions as in {@link BaseModelOutputWithPast}, when requested; else null
 */
public record CausalLMOutputWithPast(NDArray loss, NDArray logits, List<KeyValue> pastKeyValues,
        List<NDArray> hiddenStates, List<NDArray> attentions) implements ModelOutput {}
