package dev.sparkformers.pipelines;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The classification of one text.
 *
 * @param label the predicted label: the best-scoring one, or the unknown label of an embedding
 *     classifier whose best score is below its threshold
 * @param score the best score
 * @param predictions HuggingFace's result for the call's {@code top_k}: the best label alone when
 *     {@code top_k} is not given, otherwise the {@code top_k} best labels (all with {@code top_k}
 *     null), highest score first
 * @param scores every label's score, in label order (class index order for a model head, file
 *     order for a labels file)
 */
public record Classification(String label, float score, List<LabelScore> predictions, Map<String, Float> scores) {

    public Classification {
        Objects.requireNonNull(label, "label is null");
        predictions = List.copyOf(predictions);
        scores = Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }
}
