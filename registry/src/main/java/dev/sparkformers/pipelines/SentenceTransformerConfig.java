package dev.sparkformers.pipelines;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkformers.config.ConfigMapper;
import dev.sparkformers.config.InvalidConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The sentence-transformers settings of a checkpoint directory: the pooling mode from
 * {@code 1_Pooling/config.json} (or whichever folder {@code modules.json} names for its Pooling
 * module), whether {@code modules.json} lists a Normalize module, and {@code max_seq_length} from
 * {@code sentence_bert_config.json}.
 *
 * <p>A plain HuggingFace checkpoint without these files gets sentence-transformers' defaults for
 * such models: mean pooling, no normalisation, and the tokenizer's maximum length.
 *
 * @param pooling how token embeddings are pooled
 * @param normalize whether embeddings are L2-normalised
 * @param maxSeqLength the longest input in tokens, if set
 */
public record SentenceTransformerConfig(PoolingMode pooling, boolean normalize, OptionalInt maxSeqLength) {

    /** File that lists the sentence-transformers modules. */
    public static final String MODULES_FILE = "modules.json";

    /** File that holds {@code max_seq_length}. */
    public static final String SENTENCE_BERT_CONFIG = "sentence_bert_config.json";

    private static final String POOLING_TYPE = "sentence_transformers.models.Pooling";
    private static final String NORMALIZE_TYPE = "sentence_transformers.models.Normalize";

    /** Reads the settings of {@code directory}; missing files give the defaults above. */
    public static SentenceTransformerConfig read(Path directory) throws IOException {
        PoolingMode pooling = PoolingMode.MEAN;
        boolean normalize = false;

        Path modulesFile = directory.resolve(MODULES_FILE);
        if (Files.isRegularFile(modulesFile)) {
            JsonNode modules = ConfigMapper.mapper().readTree(Files.readString(modulesFile));
            if (modules == null || !modules.isArray()) {
                throw new InvalidConfigException(modulesFile + " must hold a JSON array of modules");
            }
            for (JsonNode module : modules) {
                String type = module.path("type").asText("");
                if (type.equals(POOLING_TYPE)) {
                    pooling = readPooling(directory, modulesFile, module.path("path").asText(""));
                } else if (type.equals(NORMALIZE_TYPE)) {
                    normalize = true;
                }
            }
        }

        OptionalInt maxSeqLength = OptionalInt.empty();
        Path sentenceBertConfig = directory.resolve(SENTENCE_BERT_CONFIG);
        if (Files.isRegularFile(sentenceBertConfig)) {
            JsonNode value = ConfigMapper.readObject(sentenceBertConfig).get("max_seq_length");
            if (value != null && !value.isNull()) {
                if (!value.isIntegralNumber() || value.intValue() <= 0) {
                    throw new InvalidConfigException(sentenceBertConfig + ": max_seq_length must be a positive integer, "
                            + "but is " + value);
                }
                maxSeqLength = OptionalInt.of(value.intValue());
            }
        }
        return new SentenceTransformerConfig(pooling, normalize, maxSeqLength);
    }

    private static PoolingMode readPooling(Path directory, Path modulesFile, String folder) throws IOException {
        Path resolved = directory.resolve(folder).normalize();
        if (!resolved.startsWith(directory.normalize())) {
            throw new InvalidConfigException(modulesFile + ": Pooling module path '" + folder
                    + "' leaves the checkpoint directory");
        }
        Path config = resolved.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            return PoolingMode.MEAN;
        }
        JsonNode json = ConfigMapper.readObject(config);
        if (json.has("pooling_mode") && json.get("pooling_mode").isTextual()) {
            return PoolingMode.fromName(json.get("pooling_mode").asText());
        }
        if (json.path("pooling_mode_cls_token").asBoolean(false)) {
            return PoolingMode.CLS;
        }
        if (json.path("pooling_mode_max_tokens").asBoolean(false)) {
            return PoolingMode.MAX;
        }
        if (json.path("pooling_mode_mean_sqrt_len_tokens").asBoolean(false)) {
            return PoolingMode.MEAN_SQRT_LEN_TOKENS;
        }
        if (json.path("pooling_mode_lasttoken").asBoolean(false)) {
            return PoolingMode.LAST_TOKEN;
        }
        if (json.path("pooling_mode_mean_tokens").asBoolean(false)) {
            return PoolingMode.MEAN;
        }
        throw new InvalidConfigException(config + " enables no pooling mode this library supports; supported: mean, cls, "
                + "max, mean_sqrt_len_tokens, lasttoken");
    }
}
