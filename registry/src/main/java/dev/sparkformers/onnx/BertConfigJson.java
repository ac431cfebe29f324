package dev.sparkformers.onnx;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Builds the config.json of an imported {@code BertModel}.
 *
 * <p>Fields the graph determines come from {@link InferredBertConfig}; the pad token id comes from
 * the tokenizer. The dropout probabilities and {@code initializer_range} have no effect on inference
 * and cannot be recovered from an inference graph, so they get BERT's defaults (0.1 and 0.02).
 */
final class BertConfigJson {

    /** BERT's default dropout probability for hidden states and attention weights. */
    private static final double DEFAULT_DROPOUT = 0.1;

    /** BERT's default standard deviation for weight initialization. */
    private static final double DEFAULT_INITIALIZER_RANGE = 0.02;

    private BertConfigJson() {}

    /** Returns the config as a JSON object with keys sorted, as {@code save_pretrained} writes it. */
    static ObjectNode build(InferredBertConfig config, int padTokenId) {
        // TODO: build this with dev.sparkformers.models.bert.BertConfig, so that field names and
        //  defaults live in one place.
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.putArray("architectures").add("BertModel");
        json.put("attention_probs_dropout_prob", DEFAULT_DROPOUT);
        json.put("hidden_act", config.hiddenAct());
        json.put("hidden_dropout_prob", DEFAULT_DROPOUT);
        json.put("hidden_size", config.hiddenSize());
        json.put("initializer_range", DEFAULT_INITIALIZER_RANGE);
        json.put("intermediate_size", config.intermediateSize());
        json.put("layer_norm_eps", config.layerNormEps());
        json.put("max_position_embeddings", config.maxPositionEmbeddings());
        json.put("model_type", "bert");
        json.put("num_attention_heads", config.numAttentionHeads());
        json.put("num_hidden_layers", config.numHiddenLayers());
        json.put("pad_token_id", padTokenId);
        json.put("position_embedding_type", "absolute");
        json.put("torch_dtype", config.torchDtype());
        json.put("type_vocab_size", config.typeVocabSize());
        json.put("use_cache", true);
        json.put("vocab_size", config.vocabSize());
        return sorted(json);
    }

    private static ObjectNode sorted(ObjectNode json) {
        List<String> names = new ArrayList<>();
        Iterator<String> fields = json.fieldNames();
        fields.forEachRemaining(names::add);
        names.sort(null);
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        for (String name : names) {
            result.set(name, json.get(name));
        }
        return result;
    }
}
