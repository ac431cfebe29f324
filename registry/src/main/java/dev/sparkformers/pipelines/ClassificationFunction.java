package dev.sparkformers.pipelines;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkformers.config.PretrainedConfig;

import java.util.Locale;

/** The function that turns classifier logits into scores, HuggingFace's {@code ClassificationFunction}. */
public enum ClassificationFunction {
    /** {@code 1 / (1 + exp(-x))} per label, for multi-label and single-output heads. */
    SIGMOID,
    /** Probabilities over the labels. */
    SOFTMAX,
    /** The logits unchanged. */
    NONE;

    /**
     * Parses {@code sigmoid}, {@code softmax} or {@code none}, in any case.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static ClassificationFunction fromName(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("function_to_apply must be sigmoid, softmax or none, but is '" + name
                    + "'", e);
        }
    }

    /**
     * HuggingFace's choice when the call does not name a function: sigmoid for
     * {@code problem_type=multi_label_classification} or a single label; softmax for
     * {@code single_label_classification} or several labels; otherwise the config's
     * {@code function_to_apply}, else none.
     */
    public static ClassificationFunction forConfig(PretrainedConfig config) {
        String problemType = config.problemType();
        if ("multi_label_classification".equals(problemType) || config.numLabels() == 1) {
            return SIGMOID;
        }
        if ("single_label_classification".equals(problemType) || config.numLabels() > 1) {
            return SOFTMAX;
        }
        JsonNode configured = config.get("function_to_apply");
        return configured.isTextual() ? fromName(configured.asText()) : NONE;
    }

    /** Applies the function to one row of logits, in float32 like HuggingFace's numpy code. */
    public float[] apply(float[] logits) {
        float[] scores = new float[logits.length];
        switch (this) {
            case SIGMOID -> {
                for (int i = 0; i < logits.length; i++) {
                    scores[i] = (float) (1.0 / (1.0 + Math.exp(-logits[i])));
                }
            }
            case SOFTMAX -> {
                float max = Float.NEGATIVE_INFINITY;
                for (float logit : logits) {
                    max = Math.max(max, logit);
                }
                double total = 0;
                double[] exps = new double[logits.length];
                for (int i = 0; i < logits.length; i++) {
                    exps[i] = Math.exp(logits[i] - max);
                    total += exps[i];
                }
                for (int i = 0; i < logits.length; i++) {
                    scores[i] = (float) (exps[i] / total);
                }
            }
            case NONE -> System.arraycopy(logits, 0, scores, 0, logits.length);
        }
        return scores;
    }
}
