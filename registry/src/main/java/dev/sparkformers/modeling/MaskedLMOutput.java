package dev.sparkformers.modeling;

import ai.djl.ndarray.NDArray;

import java.util.List;

/**
 * Output of a masked language modelling head.
 *
 * @param loss scalar loss when labels were given; else null
 * @param logits {@code [batch, seq, vocab]}
 * @param hiddenStates as in {@link BaseModelOutput}, when requested; else null
 * @param attentions as in {@link BaseModelOutput}, when requested; else null
 */
public record MaskedLMOutput(NDArray loss, NDArray logits, List<NDArray> hiddenStates, List<NDArray> attentions)
        implements ModelOutput {}
