package dev.sparkformers.generation;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkformers.config.ConfigMapper;
import dev.sparkformers.config.InvalidConfigException;
import dev.sparkformers.config.PretrainedConfig;
import dev.sparkformers.config.PythonJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Settings of {@link CausalLanguageModel#generate}, bound to a checkpoint's
 * {@code generation_config.json} with the keys and defaults of HuggingFace transformers 4.43's
 * {@code GenerationConfig}.
 *
 * <p>The keys that {@code generate} implements are typed fields. The other keys of HuggingFace's
 * class are kept with their values and written back; {@link #validate()} rejects those that would
 * change the output when set to a value other than their default, such as {@code num_beam_groups}
 * or {@code suppress_tokens}. Saving writes what HuggingFace's {@code to_json_string()} writes:
 * the keys whose value differs from the default, plus {@code transformers_version}, sorted.
 *
 * <p>A config is mutable. Copy the model's config with {@link #copy()} before changing it for one
 * call; {@link #update(Map)} applies HuggingFace keyword arguments by name.
 */
public class GenerationConfig {

    /** File name of the generation settings inside a checkpoint directory. */
    public static final String GENERATION_CONFIG_NAME = "generation_config.json";

    @JsonProperty("max_length")
    private int maxLength = 20;

    @JsonProperty("max_new_tokens")
    private Integer maxNewTokens;

    @JsonProperty("min_length")
    private int minLength;

    @JsonProperty("min_new_tokens")
    private Integer minNewTokens;

    /** {@code true}, {@code false} or {@code "never"}. */
    @JsonProperty("early_stopping")
    private JsonNode earlyStopping = JsonNodeFactory.instance.booleanNode(false);

    @JsonProperty("do_sample")
    private boolean doSample;

    @JsonProperty("num_beams")
    private int numBeams = 1;

    @JsonProperty("use_cache")
    private boolean useCache = true;

    @JsonProperty("temperature")
    private Double temperature = 1.0;

    @JsonProperty("top_k")
    private Integer topK = 50;

    @JsonProperty("top_p")
    private Double topP = 1.0;

    @JsonProperty("repetition_penalty")
    private Double repetitionPenalty = 1.0;

    @JsonProperty("length_penalty")
    private double lengthPenalty = 1.0;

    @JsonProperty("no_repeat_ngram_size")
    private Integer noRepeatNgramSize = 0;

    @JsonProperty("renormalize_logits")
    private boolean renormalizeLogits;

    @JsonProperty("remove_invalid_values")
    private boolean removeInvalidValues;

    @JsonProperty("num_return_sequences")
    private int numReturnSequences = 1;

    @JsonProperty("output_attentions")
    private boolean outputAttentions;

    @JsonProperty("output_hidden_states")
    private boolean outputHiddenStates;

    @JsonProperty("output_scores")
    private boolean outputScores;

    @JsonProperty("output_logits")
    private Boolean outputLogits;

    @JsonProperty("return_dict_in_generate")
    private boolean returnDictInGenerate;

    @JsonProperty("pad_token_id")
    private Integer padTokenId;

    @JsonProperty("bos_token_id")
    private Integer bosTokenId;

    /** An integer, a list of integers, or null. */
    @JsonProperty("eos_token_id")
    private JsonNode eosTokenId;

    /** Returns whether the values were copied from a model's config.json rather than written by a user. */
    @JsonProperty("_from_model_config")
    private boolean fromModelConfig;

    @JsonProperty("transformers_version")
    private String transformersVersion;

    /** Keys this class does not type, as read, in file order. */
    private final Map<String, JsonNode> otherKeys = new LinkedHashMap<>();

    /** Creates a config with HuggingFace's defaults: greedy search up to 20 tokens in total. */
    public GenerationConfig() {}

    // ---------------------------------------------------------------- loading and saving

    /**
     * Reads {@code generation_config.json} from a checkpoint directory (or the file itself).
     *
     * @throws java.nio.file.NoSuchFileException if the file does not exist
     * @throws InvalidConfigException if it is malformed or a value has the wrong type
     */
    public static GenerationConfig fromPretrained(Path path) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(GENERATION_CONFIG_NAME) : path;
        return fromJson(ConfigMapper.readObject(file), file.toString());
    }

    /**
     * Reads the checkpoint's {@code generation_config.json} when it has one, and otherwise derives
     * the settings from the model's config, as HuggingFace's {@code from_pretrained} does.
     */
    public static GenerationConfig fromPretrainedOrModelConfig(Path directory, PretrainedConfig modelConfig)
            throws IOException {
        if (Files.isRegularFile(directory.resolve(GENERATION_CONFIG_NAME))) {
            return fromPretrained(directory);
        }
        return fromModelConfig(modelConfig);
    }

    /** Binds a parsed generation_config.json; {@code source} names it in messages. */
    public static GenerationConfig fromJson(JsonNode json, String source) throws InvalidConfigException {
        return ConfigMapper.bind(json, GenerationConfig.class, source);
    }

    /**
     * Derives the settings from a model's config, HuggingFace's {@code from_model_config}: every
     * generation key of the model config (token ids, {@code max_length}, {@code num_beams}, ...)
     * overrides the default, and {@code _from_model_config} is set.
     */
    public static GenerationConfig fromModelConfig(PretrainedConfig modelConfig) {
        ObjectNode values = JsonNodeFactory.instance.objectNode();
        ObjectNode known = new GenerationConfig().toDict();
        modelConfig.toDict().fields().forEachRemaining(field -> {
            if (known.has(field.getKey()) && !field.getKey().equals("transformers_version")) {
                values.set(field.getKey(), field.getValue());
            }
        });
        GenerationConfig config;
        try {
            config = fromJson(values, "the generation keys of " + modelConfig.getClass().getSimpleName());
        } catch (InvalidConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        config.fromModelConfig = true;
        config.transformersVersion = modelConfig.transformersVersion();
        return config;
    }

    /** Writes {@code generation_config.json} into {@code directory}, creating it if needed. */
    public void savePretrained(Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(GENERATION_CONFIG_NAME), toJsonString());
    }

    /** Returns the text {@link #savePretrained} writes: the non-default keys, sorted, with a final newline. */
    public String toJsonString() {
        return PythonJson.dumps(toDiffDict()) + "\n";
    }

    /** Lists every key with its value, defaults included, as HuggingFace's {@code to_dict()} does. */
    public ObjectNode toDict() {
        ObjectNode dict = JsonNodeFactory.instance.objectNode();
        UntypedKeys.DEFAULTS.forEach(dict::set);
        ObjectNode typed = ConfigMapper.mapper().valueToTree(this);
        dict.setAll(typed);
        return dict;
    }

    /** Lists the keys whose value differs from the default, and {@code transformers_version}. */
    public ObjectNode toDiffDict() {
        ObjectNode defaults = new GenerationConfig().toDict();
        ObjectNode diff = JsonNodeFactory.instance.objectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = toDict().fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            JsonNode defaultValue = defaults.get(key);
            boolean keep = key.equals("transformers_version") ? !field.getValue().isNull()
                    : defaultValue == null || !UntypedKeys.sameValue(field.getValue(), defaultValue);
            if (keep) {
                diff.set(key, field.getValue());
            }
        }
        return diff;
    }

    /** Returns an independent copy, so that one call's changes leave the model's settings alone. */
    public GenerationConfig copy() {
        try {
            return fromJson(toDict(), "a copy of " + this);
        } catch (InvalidConfigException e) {
            throw new IllegalStateException("Copying a generation config failed: " + e.getMessage(), e);
        }
    }

    /**
     * Sets the keys of {@code keywordArguments} that are generation settings, as HuggingFace's
     * {@code GenerationConfig.update(**kwargs)} does, and returns the keys it did not use.
     *
     * @throws IllegalArgumentException if a value has the wrong type for its key
     */
    public Set<String> update(Map<String, ?> keywordArguments) {
        ObjectNode known = toDict();
        ObjectNode updates = JsonNodeFactory.instance.objectNode();
        Set<String> unused = new java.util.LinkedHashSet<>();
        for (Map.Entry<String, ?> argument : keywordArguments.entrySet()) {
            if (known.has(argument.getKey())) {
                updates.set(argument.getKey(), ConfigMapper.mapper().valueToTree(argument.getValue()));
            } else {
                unused.add(argument.getKey());
            }
        }
        try {
            ConfigMapper.mapper().readerForUpdating(this).readValue(updates);
        } catch (IOException e) {
            throw new IllegalArgumentException("Invalid generation settings " + updates + ": " + e.getMessage(), e);
        }
        return unused;
    }

    @JsonAnySetter
    private void bindOtherKey(String key, JsonNode value) {
        otherKeys.put(key, value);
    }

    @JsonAnyGetter
    private Map<String, JsonNode> otherKeysForJson() {
        return otherKeys;
    }

    // ---------------------------------------------------------------- checks

    /**
     * Checks the values and rejects settings that {@code generate} does not implement, as
     * HuggingFace's {@code validate()} and its logits processors do.
     *
     * @throws IllegalArgumentException naming the key, its value and the fix
     */
    public void validate() {
        if (numBeams < 1) {
            throw new IllegalArgumentException("num_beams is " + numBeams + "; it must be at least 1");
        }
        if (maxNewTokens != null && maxNewTokens <= 0) {
            throw new IllegalArgumentException("`max_new_tokens` must be greater than 0, but is " + maxNewTokens + ".");
        }

        if (maxLength < 0 || minLength < 0 || (minNewTokens != null && minNewTokens < 0)) {
            throw new IllegalArgumentException("max_length (" + maxLength + "), min_length (" + minLength
                    + ") and min_new_tokens (" + minNewTokens + ") must not be negative");
        }
        if (numReturnSequences < 1) {
            throw new IllegalArgumentException("num_return_sequences is " + numReturnSequences
                    + "; it must be at least 1");
        }

        if (numBeams == 1 && !doSample && numReturnSequences != 1) {
            throw new IllegalArgumentException("Greedy methods without beam search do not support "
                    + "`num_return_sequences` different than 1 (got " + numReturnSequences + "). Set do_sample or "
                    + "num_beams.");
        }
        if (numBeams > 1 && numReturnSequences > numBeams) {
            throw new IllegalArgumentException("`num_return_sequences` (" + numReturnSequences
                    + ") has to be smaller or equal to `num_beams` (" + numBeams + ").");
        }

        // Both accessors reject malformed values.
        earlyStopping();
        eosTokenIds();

        if (repetitionPenalty != null && !(repetitionPenalty > 0)) {
            throw new IllegalArgumentException("`penalty` has to be a strictly positive float, but is "
                    + repetitionPenalty);
        }
        if (noRepeatNgramSize != null && noRepeatNgramSize < 0) {
            throw new IllegalArgumentException("`ngram_size` has to be a strictly positive integer, but is "
                    + noRepeatNgramSize);
        }

        if (doSample) {
            validateSampling();
        }
        if (outputAttentions || outputHiddenStates) {
            throw new IllegalArgumentException("output_attentions and output_hidden_states are not implemented by "
                    + "generate; run forward on the returned sequences to get them");
        }
        UntypedKeys.rejectUnsupported(otherKeys, doSample);
    }

    private void validateSampling() {
        if (temperature != null && !(temperature > 0)) {
            throw new IllegalArgumentException("`temperature` (=" + temperature + ") has to be a strictly positive "
                    + "float, otherwise your next token scores will be invalid. If you're looking for greedy "
                    + "decoding strategies, set `do_sample=False`.");
        }
        if (topK != null && topK < 0) {
            throw new IllegalArgumentException("`top_k` has to be a strictly positive integer, but is " + topK);
        }
        if (topP != null && (topP < 0 || topP > 1.0)) {
            throw new IllegalArgumentException("`top_p` has to be a float > 0 and < 1, but is " + topP);
        }
    }

    /** Returns the decoding strategy these settings select, HuggingFace's {@code get_generation_mode()}. */
    public GenerationMode generationMode() {
        if (numBeams == 1) {
            return doSample ? GenerationMode.SAMPLE : GenerationMode.GREEDY_SEARCH;
        }
        return doSample ? GenerationMode.BEAM_SAMPLE : GenerationMode.BEAM_SEARCH;
    }

    // ---------------------------------------------------------------- accessors

    /** Maximum length of prompt plus new tokens; {@code max_new_tokens} takes precedence when set. */
    public int maxLength() {
        return maxLength;
    }

    public GenerationConfig setMaxLength(int maxLength) {
        this.maxLength = maxLength;
        return this;
    }

    /** Maximum number of new tokens, or null to use {@code max_length}. */
    public Integer maxNewTokens() {
        return maxNewTokens;
    }

    public GenerationConfig setMaxNewTokens(Integer maxNewTokens) {
        this.maxNewTokens = maxNewTokens;
        return this;
    }

    /** Minimum length of prompt plus new tokens before an end-of-sequence token may be chosen. */
    public int minLength() {
        return minLength;
    }

    public GenerationConfig setMinLength(int minLength) {
        this.minLength = minLength;
        return this;
    }

    /** Minimum number of new tokens before an end-of-sequence token may be chosen, or null. */
    public Integer minNewTokens() {
        return minNewTokens;
    }

    public GenerationConfig setMinNewTokens(Integer minNewTokens) {
        this.minNewTokens = minNewTokens;
        return this;
    }

    /**
     * Returns when beam search stops: as soon as {@code num_beams} hypotheses are finished
     * ({@code TRUE}), when no better one is likely ({@code FALSE}), or when none can be better ({@code NEVER}).
     *
     * @throws IllegalArgumentException if the value is not true, false or "never"
     */
    public EarlyStopping earlyStopping() {
        if (earlyStopping != null && earlyStopping.isBoolean()) {
            return earlyStopping.booleanValue() ? EarlyStopping.TRUE : EarlyStopping.FALSE;
        }
        if (earlyStopping != null && earlyStopping.isTextual() && earlyStopping.textValue().equals("never")) {
            return EarlyStopping.NEVER;
        }
        throw new IllegalArgumentException("early_stopping is " + earlyStopping + "; it must be true, false or "
                + "\"never\"");
    }

    public GenerationConfig setEarlyStopping(EarlyStopping earlyStopping) {
        this.earlyStopping = switch (Objects.requireNonNull(earlyStopping, "earlyStopping is null")) {
            case TRUE -> JsonNodeFactory.instance.booleanNode(true);
            case FALSE -> JsonNodeFactory.instance.booleanNode(false);
            case NEVER -> JsonNodeFactory.instance.textNode("never");
        };
        return this;
    }

    /** Returns whether tokens are drawn from the distribution instead of picked greedily. */
    public boolean doSample() {
        return doSample;
    }

    public GenerationConfig setDoSample(boolean doSample) {
        this.doSample = doSample;
        return this;
    }

    public int numBeams() {
        return numBeams;
    }

    public GenerationConfig setNumBeams(int numBeams) {
        this.numBeams = numBeams;
        return this;
    }

    /** Returns whether each step reuses the previous steps' keys and values instead of rerunning the sequence. */
    public boolean useCache() {
        return useCache;
    }

    public GenerationConfig setUseCache(boolean useCache) {
        this.useCache = useCache;
        return this;
    }

    /** Divisor of the scores before sampling, or null for none. */
    public Double temperature() {
        return temperature;
    }

    public GenerationConfig setTemperature(Double temperature) {
        this.temperature = temperature;
        return this;
    }

    /** Number of highest-scoring tokens kept when sampling; 0 or null keeps all. */
    public Integer topK() {
        return topK;
    }

    public GenerationConfig setTopK(Integer topK) {
        this.topK = topK;
        return this;
    }

    /** Smallest probability mass of highest-scoring tokens kept when sampling; 1.0 or null keeps all. */
    public Double topP() {
        return topP;
    }

    public GenerationConfig setTopP(Double topP) {
        this.topP = topP;
        return this;
    }

    /** Penalty on tokens already in the sequence; 1.0 or null means none. */
    public Double repetitionPenalty() {
        return repetitionPenalty;
    }

    public GenerationConfig setRepetitionPenalty(Double repetitionPenalty) {
        this.repetitionPenalty = repetitionPenalty;
        return this;
    }

    /** Exponent of the length that a finished beam's summed log-probability is divided by. */
    public double lengthPenalty() {
        return lengthPenalty;
    }

    public GenerationConfig setLengthPenalty(double lengthPenalty) {
        this.lengthPenalty = lengthPenalty;
        return this;
    }

    /** Size of n-grams that may occur only once in a sequence; 0 or null means no limit. */
    public Integer noRepeatNgramSize() {
        return noRepeatNgramSize;
    }

    public GenerationConfig setNoRepeatNgramSize(Integer noRepeatNgramSize) {
        this.noRepeatNgramSize = noRepeatNgramSize;
        return this;
    }

    /** Returns whether the processed scores are normalised again with log-softmax. */
    public boolean renormalizeLogits() {
        return renormalizeLogits;
    }

    public GenerationConfig setRenormalizeLogits(boolean renormalizeLogits) {
        this.renormalizeLogits = renormalizeLogits;
        return this;
    }

    /** Returns whether NaN and infinite scores are replaced by finite values. */
    public boolean removeInvalidValues() {
        return removeInvalidValues;
    }

    public GenerationConfig setRemoveInvalidValues(boolean removeInvalidValues) {
        this.removeInvalidValues = removeInvalidValues;
        return this;
    }

    /** Number of sequences returned per prompt. */
    public int numReturnSequences() {
        return numReturnSequences;
    }

    public GenerationConfig setNumReturnSequences(int numReturnSequences) {
        this.numReturnSequences = numReturnSequences;
        return this;
    }

    /** Returns whether the processed scores of every step are returned (with {@code return_dict_in_generate}). */
    public boolean outputScores() {
        return outputScores;
    }

    public GenerationConfig setOutputScores(boolean outputScores) {
        this.outputScores = outputScores;
        return this;
    }

    /** Returns whether the raw logits of every step are returned (with {@code return_dict_in_generate}). */
    public boolean outputLogits() {
        return Boolean.TRUE.equals(outputLogits);
    }

    public GenerationConfig setOutputLogits(Boolean outputLogits) {
        this.outputLogits = outputLogits;
        return this;
    }

    /** Returns whether scores, logits, sequence scores and beam indices are returned besides the sequences. */
    public boolean returnDictInGenerate() {
        return returnDictInGenerate;
    }

    public GenerationConfig setReturnDictInGenerate(boolean returnDictInGenerate) {
        this.returnDictInGenerate = returnDictInGenerate;
        return this;
    }

    public OptionalInt padTokenId() {
        return padTokenId == null ? OptionalInt.empty() : OptionalInt.of(padTokenId);
    }

    public GenerationConfig setPadTokenId(Integer padTokenId) {
        this.padTokenId = padTokenId;
        return this;
    }

    public OptionalInt bosTokenId() {
        return bosTokenId == null ? OptionalInt.empty() : OptionalInt.of(bosTokenId);
    }

    public GenerationConfig setBosTokenId(Integer bosTokenId) {
        this.bosTokenId = bosTokenId;
        return this;
    }

    /**
     * Returns the end-of-sequence token ids: none, one, or several.
     *
     * @throws IllegalArgumentException if eos_token_id is neither an integer nor a list of integers
     */
    public List<Integer> eosTokenIds() {
        if (eosTokenId == null || eosTokenId.isNull()) {
            return List.of();
        }
        List<Integer> ids = new ArrayList<>();
        for (JsonNode id : eosTokenId.isArray() ? eosTokenId : List.of(eosTokenId)) {
            if (!id.isIntegralNumber() || !id.canConvertToInt() || id.intValue() < 0) {
                throw new IllegalArgumentException("eos_token_id must be a token id or a list of token ids, but is "
                        + eosTokenId);
            }
            ids.add(id.intValue());
        }
        return Collections.unmodifiableList(ids);
    }

    /** Sets the end-of-sequence token ids; an empty list clears them. */
    public GenerationConfig setEosTokenIds(List<Integer> ids) {
        if (ids == null || ids.isEmpty()) {
            this.eosTokenId = null;
        } else if (ids.size() == 1) {
            this.eosTokenId = JsonNodeFactory.instance.numberNode(ids.get(0));
        } else {
            this.eosTokenId = ConfigMapper.mapper().valueToTree(ids);
        }
        return this;
    }

    /** Returns whether these settings were derived from a model's config.json. */
    public boolean isFromModelConfig() {
        return fromModelConfig;
    }

    /** The transformers version that wrote the file, kept so that a round trip is unchanged. */
    public String transformersVersion() {
        return transformersVersion;
    }

    /** Keys this class does not type, as read from the file. */
    public Map<String, JsonNode> otherKeys() {
        return Collections.unmodifiableMap(otherKeys);
    }

    @Override
    public String toString() {
        return "GenerationConfig " + toDiffDict();
    }

    /** Values of {@code early_stopping}. */
    public enum EarlyStopping {
        /** Stop a prompt's search as soon as {@code num_beams} hypotheses are finished. */
        TRUE,
        /** Stop when the best running beam, scored at the current length, cannot beat the worst finished one. */
        FALSE,
        /** Stop only when no running beam can beat the worst finished one at any length. */
        NEVER
    }
}
