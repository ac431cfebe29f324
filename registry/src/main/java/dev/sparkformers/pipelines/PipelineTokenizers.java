package dev.sparkformers.pipelines;

import dev.sparkformers.config.PretrainedConfig;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.tokenization.AutoTokenizer;
import dev.sparkformers.tokenization.PreTrainedTokenizer;
import dev.sparkformers.tokenization.Side;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * Loads a pipeline's tokenizer with the settings batching needs, as a HuggingFace user sets them by
 * hand: a pad token when the tokenizer has none (GPT-2's has none), and a padding side.
 */
final class PipelineTokenizers {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineTokenizers.class);

    private PipelineTokenizers() {}

    /**
     * Loads the tokenizer of {@code directory}. When it has no pad token, the model config's
     * {@code pad_token_id} becomes its pad token, or, with {@code eosAsPad}, its end-of-sequence
     * token (what {@code tokenizer.pad_token = tokenizer.eos_token} does in HuggingFace). Without
     * either, the tokenizer stays without a pad token and pipelines run one row per model call.
     *
     * @param paddingSide the padding side to set, or null to keep the tokenizer's
     */
    static PreTrainedTokenizer load(Path directory, PretrainedConfig config, Side paddingSide, boolean eosAsPad)
            throws IOException {
        PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(directory);
        Map<String, Object> overrides = new HashMap<>();
        if (paddingSide != null && tokenizer.paddingSide() != paddingSide) {
            overrides.put("padding_side", paddingSide.name().toLowerCase(java.util.Locale.ROOT));
        }
        if (tokenizer.padTokenId().isEmpty()) {
            String padToken = padTokenFor(tokenizer, config, eosAsPad);
            if (padToken != null) {
                overrides.put("pad_token", padToken);
            }
        }
        if (overrides.isEmpty()) {
            return tokenizer;
        }
        tokenizer.close();
        LOG.info("Loading the tokenizer of {} with {} so that rows can be batched", directory, overrides);
        return AutoTokenizer.fromPretrained(directory, overrides);
    }

    private static String padTokenFor(PreTrainedTokenizer tokenizer, PretrainedConfig config, boolean eosAsPad) {
        OptionalInt configured = config.padTokenId();
        if (configured.isPresent()) {
            String token = tokenizer.convertIdsToTokens(new long[] {configured.getAsInt()})[0];
            if (token != null) {
                return token;
            }
            LOG.warn("pad_token_id {} of the model config is not in the tokenizer's vocabulary", configured.getAsInt());
        }
        if (eosAsPad) {
            if (tokenizer.eosToken().isPresent()) {
                return tokenizer.eosToken().get();
            }
            List<Integer> eos = config.eosTokenIds();
            if (!eos.isEmpty()) {
                return tokenizer.convertIdsToTokens(new long[] {eos.get(0)})[0];
            }
        }
        return null;
    }

    /**
     * The longest input in tokens: the tokenizer's {@code model_max_length}, never more than the
     * model's position table ({@code max_position_embeddings}, GPT-2's {@code n_positions}).
     */
    static int maxLength(PreTrainedModel<?> model, PreTrainedTokenizer tokenizer) {
        int length = tokenizer.modelMaxLength();
        var positions = model.config().get("max_position_embeddings");
        if (positions.isInt()) {
            length = Math.min(length, positions.asInt());
        }
        return length;
    }
}
