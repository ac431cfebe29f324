package dev.sparkformers.models.bert;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.sparkformers.config.InvalidConfigException;
import dev.sparkformers.config.PretrainedConfig;
import dev.sparkformers.modeling.SizedConfig;
import dev.sparkformers.nn.Activations;

/**
 * Configuration of BERT models, with HuggingFace's {@code BertConfig} keys and defaults (those of
 * bert-base-uncased).
 */
public class BertConfig extends PretrainedConfig implements SizedConfig {

    /** Registry key of the family. */
    public static final String MODEL_TYPE = "bert";

    /** Size of the token vocabulary. Default 30522. */
    @JsonProperty("vocab_size")
    private int vocabSize = 30522;

    /** Width of the hidden states. Default 768. */
    @JsonProperty("hidden_size")
    private int hiddenSize = 768;

    /** Number of encoder layers. Default 12. */
    @JsonProperty("num_hidden_layers")
    private int numHiddenLayers = 12;

    /** Number of attention heads per layer; must divide {@code hidden_size}. Default 12. */
    @JsonProperty("num_attention_heads")
    private int numAttentionHeads = 12;

    /** Width of the feed-forward layer. Default 3072. */
    @JsonProperty("intermediate_size")
    private int intermediateSize = 3072;

    /** Feed-forward activation, a name from {@link Activations}. Default {@code gelu} (exact, erf-based). */
    @JsonProperty("hidden_act")
    private String hiddenAct = "gelu";

    /** Dropout on hidden states; unused at inference. Default 0.1. */
    @JsonProperty("hidden_dropout_prob")
    private double hiddenDropoutProb = 0.1;

    /** Dropout on attention probabilities; unused at inference. Default 0.1. */
    @JsonProperty("attention_probs_dropout_prob")
    private double attentionProbsDropoutProb = 0.1;

    /** Longest sequence the position table covers. Default 512. */
    @JsonProperty("max_position_embeddings")
    private int maxPositionEmbeddings = 512;

    /** Number of segment (token type) ids. Default 2. */
    @JsonProperty("type_vocab_size")
    private int typeVocabSize = 2;

    /** Standard deviation of the normal initialisation of new weights. Default 0.02. */
    @JsonProperty("initializer_range")
    private double initializerRange = 0.02;

    /** LayerNorm epsilon. Default 1e-12. */
    @JsonProperty("layer_norm_eps")
    private double layerNormEps = 1e-12;

    /** Position encoding; only {@code absolute} is implemented. Default {@code absolute}. */
    @JsonProperty("position_embedding_type")
    private String positionEmbeddingType = "absolute";

    /** Whether decoders return keys and values; kept for round trips. Default true. */
    @JsonProperty("use_cache")
    private boolean useCache = true;

    /** Dropout of classification heads; unused at inference. Default null (use hidden_dropout_prob). */
    @JsonProperty("classifier_dropout")
    private Double classifierDropout;

    /** Creates a configuration with HuggingFace's defaults; BERT's padding token id is 0. */
    public BertConfig() {
        setPadTokenId(0);
    }

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public void validate(String source) throws InvalidConfigException {
        requirePositive(source, "vocab_size", vocabSize);
        requirePositive(source, "hidden_size", hiddenSize);
        requirePositive(source, "num_attention_heads", numAttentionHeads);
        requirePositive(source, "intermediate_size", intermediateSize);
        requirePositive(source, "max_position_embeddings", maxPositionEmbeddings);
        requirePositive(source, "type_vocab_size", typeVocabSize);
        if (numHiddenLayers < 0) {
            throw new InvalidConfigException(source + ": num_hidden_layers is " + numHiddenLayers
                    + "; it must not be negative");
        }
        if (hiddenSize % numAttentionHeads != 0) {
            throw new InvalidConfigException(source + ": hidden_size " + hiddenSize
                    + " is not a multiple of num_attention_heads " + numAttentionHeads);
        }
        if (!(layerNormEps > 0) || Double.isInfinite(layerNormEps)) {
            throw new InvalidConfigException(source + ": layer_norm_eps is " + layerNormEps
                    + "; it must be a positive number");
        }
        if (!Activations.isSupported(hiddenAct)) {
            throw new InvalidConfigException(source + ": hidden_act '" + hiddenAct + "' is not supported; supported: "
                    + Activations.names());
        }
        if (!"absolute".equals(positionEmbeddingType)) {
            throw new InvalidConfigException(source + ": position_embedding_type '" + positionEmbeddingType
                    + "' is not implemented; only 'absolute' is");
        }
        // Token ids are checked last, against the vocabulary size checked above.
        super.validate(source);
    }

    @Override
    protected void checkTokenId(String source, String key, Integer id) throws InvalidConfigException {
        requireInVocabulary(source, key, id, vocabSize);
    }

    @Override
    public long estimatedParameterCount() {
        long h = hiddenSize;
        long embeddings = Math.addExact(Math.multiplyExact((long) vocabSize + maxPositionEmbeddings + typeVocabSize, h),
                2 * h);
        long attention = 4 * (h * h + h) + 2 * h;
        long feedForward = Math.multiplyExact(2 * h, (long) intermediateSize) + intermediateSize + h + 2 * h;
        long layers = Math.multiplyExact((long) numHiddenLayers, Math.addExact(attention, feedForward));
        long heads = Math.max(h * h + h, Math.multiplyExact(h, h) + 2 * h + vocabSize);
        return Math.addExact(Math.addExact(embeddings, layers), heads);
    }

    public int vocabSize() {
        return vocabSize;
    }

    public int hiddenSize() {
        return hiddenSize;
    }

    public int numHiddenLayers() {
        return numHiddenLayers;
    }

    public int numAttentionHeads() {
        return numAttentionHeads;
    }

    public int intermediateSize() {
        return intermediateSize;
    }

    public String hiddenAct() {
        return hiddenAct;
    }

    public int maxPositionEmbeddings() {
        return maxPositionEmbeddings;
    }

    public int typeVocabSize() {
        return typeVocabSize;
    }

    public double initializerRange() {
        return initializerRange;
    }

    public double layerNormEps() {
        return layerNormEps;
    }

    public String positionEmbeddingType() {
        return positionEmbeddingType;
    }

    public Double classifierDropout() {
        return classifierDropout;
    }

    public BertConfig setVocabSize(int vocabSize) {
        this.vocabSize = vocabSize;
        return this;
    }

    public BertConfig setHiddenSize(int hiddenSize) {
        this.hiddenSize = hiddenSize;
        return this;
    }

    public BertConfig setNumHiddenLayers(int numHiddenLayers) {
        this.numHiddenLayers = numHiddenLayers;
        return this;
    }

    public BertConfig setNumAttentionHeads(int numAttentionHeads) {
        this.numAttentionHeads = numAttentionHeads;
        return this;
    }

    public BertConfig setIntermediateSize(int intermediateSize) {
        this.intermediateSize = intermediateSize;
        return this;
    }

    public BertConfig setHiddenAct(String hiddenAct) {
        this.hiddenAct = hiddenAct;
        return this;
    }

    public BertConfig setMaxPositionEmbeddings(int maxPositionEmbeddings) {
        this.maxPositionEmbeddings = maxPositionEmbeddings;
        return this;
    }

    public BertConfig setTypeVocabSize(int typeVocabSize) {
        this.typeVocabSize = typeVocabSize;
        return this;
    }

    public BertConfig setLayerNormEps(double layerNormEps) {
        this.layerNormEps = layerNormEps;
        return this;
    }
}
