package dev.sparkformers.pipelines;

/**
 * One label and its score, an entry of HuggingFace's classification output
 * ({@code {"label": ..., "score": ...}}).
 *
 * @param label the label name, from the config's {@code id2label} or a labels file
 * @param score a probability (sigmoid or softmax), a raw logit, or a cosine similarity, as the
 *     pipeline defines it
 */
public record LabelScore(String label, float score) {}
