package dev.sparkformers.pipelines;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * How many labels a classification returns, with HuggingFace's {@code top_k} semantics: without
 * {@code top_k} the best label alone (HuggingFace's legacy output); with an integer, that many
 * labels, best first; with {@code top_k=None} (here null, {@code "all"} or {@code "none"}) every
 * label, best first.
 *
 * @param k labels to return, or null for all
 * @param legacy whether the call gave no {@code top_k}; then {@code k} is 1, or null when the
 *     legacy {@code return_all_scores=true} asked for every label in class order
 */
record TopK(Integer k, boolean legacy) {

    /** The parameter name. */
    static final String PARAMETER = "top_k";

    /** The best label alone, HuggingFace's default. */
    static final TopK LEGACY_BEST = new TopK(1, true);

    /**
     * Reads {@code top_k} and the legacy {@code return_all_scores} from call parameters.
     *
     * @throws IllegalArgumentException for a {@code top_k} that is not a positive integer, null,
     *     {@code all} or {@code none}
     */
    static TopK fromParameters(Map<String, ?> parameters) {
        if (parameters.containsKey(PARAMETER)) {
            Object value = parameters.get(PARAMETER);
            if (value == null || value.toString().equalsIgnoreCase("all") || value.toString().equalsIgnoreCase("none")) {
                return new TopK(null, false);
            }
            Integer k = Pipeline.intParameter(parameters, PARAMETER);
            if (k < 1) {
                throw new IllegalArgumentException("top_k must be a positive integer, null or 'all', but is " + k);
            }
            return new TopK(k, false);
        }
        Boolean allScores = Pipeline.booleanParameter(parameters, "return_all_scores");
        if (allScores != null && allScores) {
            return new TopK(null, true);
        }
        return LEGACY_BEST;
    }

    /** Returns the predictions this setting keeps from {@code all}, which is in class order. */
    List<LabelScore> select(List<LabelScore> all) {
        if (legacy && k != null) {
            return all.isEmpty() ? List.of() : List.of(best(all));
        }
        if (legacy) {
            return List.copyOf(all);
        }
        List<LabelScore> sorted = new ArrayList<>(all);
        // A stable sort keeps class order among equal scores, as Python's sort does.
        sorted.sort(Comparator.comparingDouble(LabelScore::score).reversed());
        return k == null || k >= sorted.size() ? sorted : List.copyOf(sorted.subList(0, k));
    }

    /** The first label with the highest score, as {@code numpy.argmax} picks it. */
    static LabelScore best(List<LabelScore> all) {
        LabelScore best = all.get(0);
        for (LabelScore candidate : all) {
            if (candidate.score() > best.score()) {
                best = candidate;
            }
        }
        return best;
    }
}
