package dev.sparkformers.generation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The keys of HuggingFace's {@code GenerationConfig} (transformers 4.43) that {@link GenerationConfig}
 * keeps without typing them, with their defaults, and which of them {@code generate} cannot honour.
 */
final class UntypedKeys {

    /** Default of each untyped key, as HuggingFace's {@code GenerationConfig().to_dict()} lists it. */
    static final Map<String, JsonNode> DEFAULTS = defaults();

    /** Keys that change the output of any decoding strategy when set; {@code generate} does not implement them. */
    private static final Set<String> UNSUPPORTED = Set.of("max_time", "stop_strings", "num_beam_groups",
            "penalty_alpha", "diversity_penalty", "bad_words_ids", "force_words_ids", "constraints",
            "forced_bos_token_id", "forced_eos_token_id", "exponential_decay_length_penalty", "suppress_tokens",
            "begin_suppress_tokens", "forced_decoder_ids", "sequence_bias", "token_healing", "guidance_scale",
            "watermarking_config", "dola_layers", "prompt_lookup_num_tokens");

    /** Sampling filters that {@code generate} does not implement; they only matter with {@code do_sample}. */
    private static final Set<String> UNSUPPORTED_WHEN_SAMPLING = Set.of("min_p", "typical_p", "epsilon_cutoff",
            "eta_cutoff");

    private UntypedKeys() {}

    /**
     * Rejects a setting that would change the output but is not implemented. Keys that only matter
     * to encoder-decoder models, assisted decoding or cache layout are accepted and ignored.
     */
    static void rejectUnsupported(Map<String, JsonNode> values, boolean doSample) {
        for (Map.Entry<String, JsonNode> entry : values.entrySet()) {
            String key = entry.getKey();
            boolean unsupported = UNSUPPORTED.contains(key) || (doSample && UNSUPPORTED_WHEN_SAMPLING.contains(key));
            if (unsupported && !sameValue(entry.getValue(), DEFAULTS.get(key))) {
                throw new IllegalArgumentException("Generation setting " + key + "=" + entry.getValue()
                        + " is not implemented; remove it or set it to its default " + DEFAULTS.get(key));
            }
        }
    }

    /** Compares JSON values as Python compares them, so that {@code 1} equals {@code 1.0}. */
    static boolean sameValue(JsonNode a, JsonNode b) {
        if (a != null && b != null && a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a == null ? b == null || b.isNull() : a.equals(b) || (a.isNull() && b == null);
    }

    private static Map<String, JsonNode> defaults() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        Map<String, JsonNode> defaults = new LinkedHashMap<>();
        for (String key : new String[] {"max_time", "stop_strings", "penalty_alpha", "min_p", "bad_words_ids",
                "force_words_ids", "constraints", "forced_bos_token_id", "forced_eos_token_id",
                "exponential_decay_length_penalty", "suppress_tokens", "begin_suppress_tokens", "forced_decoder_ids",
                "sequence_bias", "guidance_scale", "low_memory", "watermarking_config", "decoder_start_token_id",
                "dola_layers", "cache_implementation", "cache_config", "prompt_lookup_num_tokens",
                "max_matching_ngram_size"}) {
            defaults.put(key, json.nullNode());
        }
        defaults.put("num_beam_groups", json.numberNode(1));
        defaults.put("typical_p", json.numberNode(1.0));
        defaults.put("epsilon_cutoff", json.numberNode(0.0));
        defaults.put("eta_cutoff", json.numberNode(0.0));
        defaults.put("diversity_penalty", json.numberNode(0.0));
        defaults.put("encoder_repetition_penalty", json.numberNode(1.0));
        defaults.put("token_healing", json.booleanNode(false));
        defaults.put("encoder_no_repeat_ngram_size", json.numberNode(0));
        defaults.put("num_assistant_tokens", json.numberNode(5));
        defaults.put("num_assistant_tokens_schedule", json.textNode("heuristic"));
        defaults.put("return_legacy_cache", json.booleanNode(true));
        ObjectNode noArguments = json.objectNode();
        defaults.put("generation_kwargs", noArguments);
        return Map.copyOf(defaults);
    }
}
