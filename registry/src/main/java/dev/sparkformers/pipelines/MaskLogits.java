package dev.sparkformers.pipelines;

/**
 * The raw fill-mask result of one row: the logits over the vocabulary at each mask position.
 *
 * @param positions the mask positions in the row's encoding, in order
 * @param logits {@code [positions][vocab]}
 */
public record MaskLogits(int[] positions, float[][] logits) {}
