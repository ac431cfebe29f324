package dev.sparkformers.pipelines;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The rule by which a classification pipeline combines the class scores of a long text's windows (see
 * {@link TokenWindows}) into the text's scores, parameter {@value #PARAMETER}. HuggingFace's
 * {@code text-classification} pipeline has no such option, so this is Sparkformers' definition:
 * the scores of each window are computed as for a text of its own (after {@code function_to_apply},
 * or the cosine similarities of an embedding classifier), combined class by class, and the label
 * is the class with the best combined score.
 */
public enum ChunkAggregation {
    /** The unweighted mean of each class's window scores; a short last window counts as much as a full one. */
    MEAN,
    /** The maximum of each class's window scores, so that one window that scores a class high is enough. */
    MAX;

    /** Call parameter that selects the aggregation; by default {@code mean}. */
    public static final String PARAMETER = "chunk_aggregation";

    /**
     * Parses {@code mean} or {@code max}, in any case.
     *
     * @throws IllegalArgumentException for any other name
     */
    public static ChunkAggregation fromName(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PARAMETER + " must be mean or max, but is '" + name + "'", e);
        }
    }

    /**
     * Reads {@value #PARAMETER} from call parameters: the named aggregation, {@link #MEAN} when it
     * is absent, or an error when it is given without windows.
     *
     * @param windows the call's windows, or null when it does not chunk long texts
     */
    static ChunkAggregation fromParameters(Map<String, ?> parameters, TokenWindows windows) {
        Object value = parameters.get(PARAMETER);
        if (value == null) {
            return MEAN;
        }
        if (windows == null) {
            throw new IllegalArgumentException(PARAMETER + " applies only with " + TokenWindows.CHUNK_LONG_TEXTS
                    + "=true; set it to true or remove " + PARAMETER);
        }
        return value instanceof ChunkAggregation aggregation ? aggregation : fromName(value.toString());
    }

    /** Combines the windows' scores, each in class order, into one score per class. */
    public float[] apply(List<float[]> windowScores) {
        int classes = windowScores.get(0).length;
        float[] combined = new float[classes];
        for (int c = 0; c < classes; c++) {
            if (this == MAX) {
                float max = Float.NEGATIVE_INFINITY;
                for (float[] scores : windowScores) {
                    max = Math.max(max, scores[c]);
                }
                combined[c] = max;
            } else {
                double sum = 0;
                for (float[] scores : windowScores) {
                    sum += scores[c];
                }
                combined[c] = (float) (sum / windowScores.size());
            }
        }
        return combined;
    }
}
