package dev.sparkformers.pipelines;

/**
 * One candidate for a mask token, HuggingFace's fill-mask entry.
 *
 * @param score the candidate's probability (softmax over the whole vocabulary)
 * @param token the candidate's token id
 * @param tokenStr the candidate decoded alone
 * @param sequence the input with this candidate in place of the mask, decoded; special tokens
 *     are removed when the input has a single mask, as in HuggingFace
 */
public record FillMaskPrediction(float score, long token, String tokenStr, String sequence) {}
