package dev.sparkformers.config;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
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
import java.util.TreeMap;

/**
 * Base class of model configurations, bound to a checkpoint's {@code config.json}.
 *
 * <p>It mirrors HuggingFace's {@code PretrainedConfig}: the common keys are typed fields with
 * HuggingFace's defaults; any key this class and its subclass do not know is kept and written
 * back unchanged; a subclass maps generic attribute names to its own ({@link #attributeMap()}).
 * Saving writes what HuggingFace's {@code to_diff_dict} writes: every model-specific key, plus the
 * common keys whose value differs from the common default or from the subclass's default, sorted
 * and formatted as Python's {@code json.dumps(indent=2, sort_keys=True)}.
 *
 * <p>A subclass declares its keys as fields annotated with {@code @JsonProperty("snake_case_name")}
 * initialised to HuggingFace's defaults, has a public no-argument constructor, overrides
 * {@link #modelType()} and, where it can check its values, {@link #validate()}.
 */
public class PretrainedConfig {

    /** File name of a model configuration inside a checkpoint directory. */
    public static final String CONFIG_NAME = "config.json";

    private static final Logger LOG = LoggerFactory.getLogger(PretrainedConfig.class);

    private static final ObjectNode COMMON_DEFAULTS = loadCommonDefaults();

    @JsonProperty("architectures")
    private List<String> architectures;

    @JsonProperty("torch_dtype")
    private String torchDtype;

    @JsonProperty("id2label")
    private Map<Integer, String> id2label = defaultLabels(2);

    @JsonProperty("label2id")
    private Map<String, Integer> label2id = invert(defaultLabels(2));

    @JsonProperty("problem_type")
    private String problemType;

    @JsonProperty("pad_token_id")
    private Integer padTokenId;

    @JsonProperty("bos_token_id")
    private Integer bosTokenId;

    /** An integer, or a list of integers for models with several end-of-sequence tokens. */
    @JsonProperty("eos_token_id")
    private JsonNode eosTokenId;

    @JsonProperty("sep_token_id")
    private Integer sepTokenId;

    @JsonProperty("decoder_start_token_id")
    private Integer decoderStartTokenId;

    @JsonProperty("tie_word_embeddings")
    private boolean tieWordEmbeddings = true;

    @JsonProperty("is_decoder")
    private boolean isDecoder;

    @JsonProperty("is_encoder_decoder")
    private boolean isEncoderDecoder;

    @JsonProperty("output_hidden_states")
    private boolean outputHiddenStates;

    @JsonProperty("output_attentions")
    private boolean outputAttentions;

    @JsonProperty("tokenizer_class")
    private String tokenizerClass;

    @JsonProperty("transformers_version")
    private String transformersVersion;

    /** Keys that no field of this class or its subclass declares, in file order. */
    private final Map<String, JsonNode> otherKeys = new LinkedHashMap<>();

    private boolean label2idSet;
    private boolean id2labelSet;
    private Integer requestedNumLabels;

    /** Creates a configuration with HuggingFace's defaults. */
    public PretrainedConfig() {}

    /** The registry key of this configuration class, for example {@code bert}; empty for the base class. */
    public String modelType() {
        return "";
    }

    /**
     * Generic attribute names that this family stores under its own key, for example
     * {@code hidden_size -> n_embd} for GPT-2. Both names are accepted in config.json.
     */
    public Map<String, String> attributeMap() {
        return Map.of();
    }

    /**
     * Checks that the values describe a model that can be built. Subclasses call
     * {@code super.validate(source)} and add their own checks.
     *
     * @param source the file or name the values came from, for messages
     * @throws InvalidConfigException naming the key, its value and the fix
     */
    public void validate(String source) throws InvalidConfigException {
        if (requestedNumLabels != null) {
            if (requestedNumLabels < 0) {
                throw new InvalidConfigException(source + ": num_labels is " + requestedNumLabels
                        + "; it must be zero or positive");
            }
            if (!id2labelSet) {
                setNumLabels(requestedNumLabels);
            } else if (requestedNumLabels != id2label.size()) {
                throw new InvalidConfigException(source + ": num_labels is " + requestedNumLabels + " but id2label has "
                        + id2label.size() + " entries; remove num_labels or make them agree");
            }
            requestedNumLabels = null;
        }
        for (Integer id : id2label.keySet()) {
            if (id < 0) {
                throw new InvalidConfigException(source + ": id2label has the negative label id " + id);
            }
        }
        checkTokenId(source, "pad_token_id", padTokenId);
        checkTokenId(source, "bos_token_id", bosTokenId);
        checkTokenId(source, "sep_token_id", sepTokenId);
        checkTokenId(source, "decoder_start_token_id", decoderStartTokenId);
        if (eosTokenId != null && !eosTokenId.isNull()) {
            for (JsonNode id : eosTokenId.isArray() ? eosTokenId : List.of(eosTokenId)) {
                if (!id.isIntegralNumber() || !id.canConvertToInt()) {
                    throw new InvalidConfigException(source + ": eos_token_id must be an integer or a list of integers, "
                            + "but is " + eosTokenId);
                }
                checkTokenId(source, "eos_token_id", id.intValue());
            }
        }
        if (problemType != null && !List.of("regression", "single_label_classification",
                "multi_label_classification").contains(problemType)) {
            throw new InvalidConfigException(source + ": problem_type is '" + problemType + "'; it must be one of "
                    + "regression, single_label_classification, multi_label_classification");
        }
    }

    /**
     * Checks that a token id set in the config is inside the vocabulary. The base class only
     * checks the sign; subclasses that know their vocabulary size override this.
     */
    protected void checkTokenId(String source, String key, Integer id) throws InvalidConfigException {
        if (id != null && id < 0) {
            throw new InvalidConfigException(source + ": " + key + " is " + id + "; token ids must not be negative");
        }
    }

    /** Helper for subclasses: fails unless {@code value} is positive. */
    protected static void requirePositive(String source, String key, long value) throws InvalidConfigException {
        if (value <= 0) {
            throw new InvalidConfigException(source + ": " + key + " is " + value + "; it must be positive");
        }
    }

    /** Helper for subclasses: fails unless a token id is inside {@code [0, vocabSize)}. */
    protected static void requireInVocabulary(String source, String key, Integer id, long vocabSize)
            throws InvalidConfigException {
        if (id != null && (id < 0 || id >= vocabSize)) {
            throw new InvalidConfigException(source + ": " + key + " is " + id + ", outside the vocabulary [0, "
                    + vocabSize + "); fix the id or vocab_size");
        }
    }

    // ---------------------------------------------------------------- common keys

    /** Model class names this checkpoint was saved from, for example {@code [BertForMaskedLM]}. */
    public List<String> architectures() {
        return architectures == null ? List.of() : List.copyOf(architectures);
    }

    public void setArchitectures(List<String> architectures) {
        this.architectures = architectures == null ? null : new ArrayList<>(architectures);
    }

    /** The dtype the weights were saved in ({@code float32}, {@code float16}, {@code bfloat16}), if recorded. */
    public String torchDtype() {
        return torchDtype;
    }

    public void setTorchDtype(String torchDtype) {
        this.torchDtype = torchDtype;
    }

    /** Label names by class index. */
    public Map<Integer, String> id2label() {
        return Collections.unmodifiableMap(new TreeMap<>(id2label));
    }

    /** Class indexes by label name. */
    public Map<String, Integer> label2id() {
        return Collections.unmodifiableMap(label2id);
    }

    /** Sets the labels and derives {@code label2id} from them. */
    public void setId2label(Map<Integer, String> labels) {
        this.id2label = new LinkedHashMap<>(Objects.requireNonNull(labels, "labels is null"));
        this.label2id = invert(this.id2label);
        this.id2labelSet = true;
    }

    /** Number of classification labels: the size of {@link #id2label()}. */
    public int numLabels() {
        return id2label.size();
    }

    /** Replaces the labels by {@code LABEL_0 ... LABEL_{n-1}}, as HuggingFace does for {@code num_labels}. */
    public void setNumLabels(int numLabels) {
        if (numLabels < 0) {
            throw new IllegalArgumentException("num_labels must not be negative, but is " + numLabels);
        }
        this.id2label = defaultLabels(numLabels);
        this.label2id = invert(id2label);
    }

    /** {@code regression}, {@code single_label_classification}, {@code multi_label_classification}, or null. */
    public String problemType() {
        return problemType;
    }

    public void setProblemType(String problemType) {
        this.problemType = problemType;
    }

    public OptionalInt padTokenId() {
        return padTokenId == null ? OptionalInt.empty() : OptionalInt.of(padTokenId);
    }

    public void setPadTokenId(Integer padTokenId) {
        this.padTokenId = padTokenId;
    }

    public OptionalInt bosTokenId() {
        return bosTokenId == null ? OptionalInt.empty() : OptionalInt.of(bosTokenId);
    }

    public void setBosTokenId(Integer bosTokenId) {
        this.bosTokenId = bosTokenId;
    }

    /** End-of-sequence token ids: empty, one, or several. */
    public List<Integer> eosTokenIds() {
        if (eosTokenId == null || eosTokenId.isNull()) {
            return List.of();
        }
        if (eosTokenId.isArray()) {
            List<Integer> ids = new ArrayList<>();
            eosTokenId.forEach(id -> ids.add(id.intValue()));
            return List.copyOf(ids);
        }
        return List.of(eosTokenId.intValue());
    }

    public void setEosTokenId(Integer eosTokenId) {
        this.eosTokenId = eosTokenId == null ? null : JsonNodeFactory.instance.numberNode(eosTokenId);
    }

    public OptionalInt sepTokenId() {
        return sepTokenId == null ? OptionalInt.empty() : OptionalInt.of(sepTokenId);
    }

    public OptionalInt decoderStartTokenId() {
        return decoderStartTokenId == null ? OptionalInt.empty() : OptionalInt.of(decoderStartTokenId);
    }

    /** Whether output embeddings share the input embedding matrix (default true). */
    public boolean tieWordEmbeddings() {
        return tieWordEmbeddings;
    }

    public void setTieWordEmbeddings(boolean tieWordEmbeddings) {
        this.tieWordEmbeddings = tieWordEmbeddings;
    }

    public boolean isDecoder() {
        return isDecoder;
    }

    public boolean isEncoderDecoder() {
        return isEncoderDecoder;
    }

    /** Returns the default of {@code outputHiddenStates} for forward calls that leave it unset. */
    public boolean outputHiddenStates() {
        return outputHiddenStates;
    }

    public void setOutputHiddenStates(boolean outputHiddenStates) {
        this.outputHiddenStates = outputHiddenStates;
    }

    /** Returns the default of {@code outputAttentions} for forward calls that leave it unset. */
    public boolean outputAttentions() {
        return outputAttentions;
    }

    public void setOutputAttentions(boolean outputAttentions) {
        this.outputAttentions = outputAttentions;
    }

    public String tokenizerClass() {
        return tokenizerClass;
    }

    /** The transformers version that wrote the file, kept so that a round trip is unchanged. */
    public String transformersVersion() {
        return transformersVersion;
    }

    /** Keys this class does not declare, as read from the file. */
    public Map<String, JsonNode> otherKeys() {
        return Collections.unmodifiableMap(otherKeys);
    }

    /**
     * Returns the value of a key as {@code to_dict()} would hold it, resolving attribute aliases:
     * {@code get("hidden_size")} reads {@code n_embd} on a GPT-2 config.
     */
    public JsonNode get(String key) {
        String resolved = attributeMap().getOrDefault(key, key);
        JsonNode value = toDict().get(resolved);
        return value == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : value;
    }

    // ---------------------------------------------------------------- Jackson hooks

    @JsonSetter("label2id")
    private void bindLabel2id(Map<String, Integer> value) {
        this.label2id = value == null ? new LinkedHashMap<>() : new LinkedHashMap<>(value);
        this.label2idSet = true;
    }

    @JsonSetter("id2label")
    private void bindId2label(Map<Integer, String> value) {
        this.id2label = value == null ? new LinkedHashMap<>() : new LinkedHashMap<>(value);
        this.id2labelSet = true;
        if (!label2idSet) {
            this.label2id = invert(this.id2label);
        }
    }

    @JsonSetter("num_labels")
    private void bindNumLabels(int value) {
        this.requestedNumLabels = value;
    }

    @JsonAnySetter
    private void bindOtherKey(String key, JsonNode value) {
        otherKeys.put(key, value);
    }

    @JsonAnyGetter
    private Map<String, JsonNode> otherKeysForJson() {
        return otherKeys;
    }

    // ---------------------------------------------------------------- loading and saving

    /**
     * Reads a config of class {@code type} from a checkpoint directory or a config.json file.
     * The file's {@code model_type} is not checked against the class; {@code AutoConfig} does that.
     */
    public static <T extends PretrainedConfig> T fromPretrained(Path path, Class<T> type) throws IOException {
        Path file = Files.isDirectory(path) ? path.resolve(CONFIG_NAME) : path;
        return fromJson(ConfigMapper.readObject(file), type, file.toString());
    }

    /**
     * Binds a parsed config.json to {@code type} and validates it.
     *
     * @param source the file or name the JSON came from, for messages
     */
    public static <T extends PretrainedConfig> T fromJson(JsonNode json, Class<T> type, String source)
            throws InvalidConfigException {
        ObjectNode tree = json.deepCopy();
        JsonNode modelType = tree.remove("model_type");
        T config = ConfigMapper.bind(tree, type, source);
        if (modelType != null && modelType.isTextual() && !config.modelType().isEmpty()
                && !modelType.textValue().equals(config.modelType())) {
            LOG.warn("{} has model_type '{}' but is loaded as {} (model_type '{}'); not all configurations convert",
                    source, modelType.textValue(), type.getSimpleName(), config.modelType());
        }
        config.validate(source);
        return config;
    }

    /** Writes {@code config.json} into {@code directory}, creating it if needed. */
    public void savePretrained(Path directory) throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(CONFIG_NAME), toJsonString());
    }

    /** The JSON text {@link #savePretrained} writes: the diff against the defaults, sorted, with a final newline. */
    public String toJsonString() {
        return PythonJson.dumps(toDiffDict()) + "\n";
    }

    /** Every key and value, the way HuggingFace's {@code to_dict()} lists them. */
    public ObjectNode toDict() {
        ObjectNode tree = ConfigMapper.mapper().valueToTree(this);
        if (!modelType().isEmpty()) {
            tree.put("model_type", modelType());
        }
        return tree;
    }

    /**
     * The keys HuggingFace's {@code to_diff_dict()} keeps: keys that are not common keys, the
     * transformers version, and common keys whose value differs from the common default or from
     * this class's own default.
     */
    public ObjectNode toDiffDict() {
        ObjectNode full = toDict();
        ObjectNode classDefaults = newDefaultInstance().toDict();
        ObjectNode diff = JsonNodeFactory.instance.objectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = full.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            JsonNode value = field.getValue();
            if (key.equals("transformers_version") && value.isNull()) {
                continue;
            }
            JsonNode commonDefault = COMMON_DEFAULTS.get(key);
            JsonNode classDefault = classDefaults.get(key);
            boolean keep = commonDefault == null
                    || key.equals("transformers_version")
                    || !value.equals(commonDefault)
                    || (classDefault != null && !value.equals(classDefault));
            if (keep) {
                diff.set(key, value);
            }
        }
        return diff;
    }

    /** A new instance of this class with its defaults, used to find which values differ from them. */
    protected PretrainedConfig newDefaultInstance() {
        try {
            return getClass().getDeclaredConstructor().newInstance();
        } catch (NoSuchMethodException | InstantiationException | IllegalAccessException
                | InvocationTargetException e) {
            throw new IllegalStateException(getClass().getName() + " needs a public no-argument constructor "
                    + "that sets HuggingFace's defaults", e);
        }
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + " " + toDiffDict();
    }

    // ---------------------------------------------------------------- helpers

    private static Map<Integer, String> defaultLabels(int count) {
        Map<Integer, String> labels = new LinkedHashMap<>();
        for (int i = 0; i < count; i++) {
            labels.put(i, "LABEL_" + i);
        }
        return labels;
    }

    private static Map<String, Integer> invert(Map<Integer, String> labels) {
        Map<String, Integer> inverse = new LinkedHashMap<>();
        labels.forEach((id, label) -> inverse.put(label, id));
        return inverse;
    }

    private static ObjectNode loadCommonDefaults() {
        try (InputStream in = PretrainedConfig.class.getResourceAsStream("pretrained_config_defaults.json")) {
            if (in == null) {
                throw new IllegalStateException("pretrained_config_defaults.json is missing from the classpath");
            }
            return (ObjectNode) ConfigMapper.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
