package dev.sparkformers.onnx;

import dev.sparkformers.safetensors.TensorData;

import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The result of analyzing an exported BERT graph: the config fields and the weights under their HF keys.
 *
 * @param config the inferred config fields
 * @param weights every state-dict tensor by HF key, sorted; linear weights already in {@code [out, in]}
 * @param hasPooler whether the graph has {@code pooler.dense.*}; exports of {@code last_hidden_state} do not
 */
public record BertGraphAnalysis(InferredBertConfig config, SortedMap<String, TensorData> weights, boolean hasPooler) {

    public BertGraphAnalysis {
        weights = Collections.unmodifiableSortedMap(new TreeMap<>(weights));
    }

    /** Total number of weight elements. */
    public long parameterCount() {
        return weights.values().stream().mapToLong(TensorData::elementCount).sum();
    }
}
