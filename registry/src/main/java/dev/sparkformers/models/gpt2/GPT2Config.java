package dev.sparkformers.models.gpt2;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;

import dev.sparkformers.config.InvalidConfigException;
import dev.sparkformers.config.PretrainedConfig;
import dev.sparkformers.modeling.SizedConfig;
import dev.sparkformers.nn.Activations;

import java.util.Map;

/**
 * Configuration of GPT-2 models, with HuggingFace's {@code GPT2Config} keys and defaults (those of
 * the 124M-parameter {@code gpt2} checkpoint).
 *
 * <p>The generic names {@code hidden_size}, {@code num_attention_heads}, {@code num_hidden_layers}
 * and {@code max_position_embeddings} are aliases of {@code n_embd}, {@code n_head},
 * {@code n_layer} and {@code n_positions}: config.json may use either, and saving writes the
 * GPT-2 name, as HuggingFace does.
 */
public class GPT2Config extends PretrainedConfig implements SizedConfig {

    /** Registry key of the family. */
    public static final String MODEL_TYPE = "gpt2";

    /** GPT-2's {@code <|endoftext|>} token, its default beginning- and end-of-sequence id. */
    public static final int END_OF_TEXT_TOKEN_ID = 50256;

    private static final Map<String, String> ATTRIBUTE_MAP = Map.of(
            "hidden_size", "n_embd",
            "max_position_embeddings", "n_positions",
            "num_attention_heads", "n_head",
            "num_hidden_layers", "n_layer");

    /** Size of the token vocabulary. Default 50257. */
    @JsonProperty("vocab_size")
    private int vocabSize = 50257;

    /** Maximum sequence length the position table covers, cached positions included. Default 1024. */
    @JsonProperty("n_positions")
    private int nPositions = 1024;

    /** Width of the hidden states. Default 768. */
    @JsonProperty("n_embd")
    private int nEmbd = 768;

    /** Number of decoder blocks. Default 12. */
    @JsonProperty("n_layer")
    private int nLayer = 12;

    /** Number of attention heads per block; must divide {@code n_embd}. Default 12. */
    @JsonProperty("n_head")
    private int nHead = 12;

    /** Width of the feed-forward layer; null means {@code 4 * n_embd}. Default null. */
    @JsonProperty("n_inner")
    private Integer nInner;

    /** Feed-forward activation, a name from {@link Activations}. Default {@code gelu_new} (tanh approximation). */
    @JsonProperty("activation_function")
    private String activationFunction = "gelu_new";

    /** Dropout on residual branches; unused at inference. Default 0.1. */
    @JsonProperty("resid_pdrop")
    private double residPdrop = 0.1;

    /** Dropout on the embeddings; unused at inference. Default 0.1. */
    @JsonProperty("embd_pdrop")
    private double embdPdrop = 0.1;

    /** Dropout on attention probabilities; unused at inference. Default 0.1. */
    @JsonProperty("attn_pdrop")
    private double attnPdrop = 0.1;

    /** LayerNorm epsilon. Default 1e-5. */
    @JsonProperty("layer_norm_epsilon")
    private double layerNormEpsilon = 1e-5;

    /** Standard deviation of the normal initialisation of new weights. Default 0.02. */
    @JsonProperty("initializer_range")
    private double initializerRange = 0.02;

    // The summary_* keys configure HuggingFace's GPT2DoubleHeadsModel, which is not implemented;
    // they are kept so that config.json round-trips unchanged.

    @JsonProperty("summary_type")
    private String summaryType = "cls_index";

    @JsonProperty("summary_use_proj")
    private boolean summaryUseProj = true;

    @JsonProperty("summary_activation")
    private String summaryActivation;

    @JsonProperty("summary_proj_to_labels")
    private boolean summaryProjToLabels = true;

    @JsonProperty("summary_first_dropout")
    private double summaryFirstDropout = 0.1;

    /** Whether attention scores are divided by {@code sqrt(head_dim)}. Default true. */
    @JsonProperty("scale_attn_weights")
    private boolean scaleAttnWeights = true;

    /** Whether the model returns keys and values for the next step by default. Default true. */
    @JsonProperty("use_cache")
    private boolean useCache = true;

    /** Whether block {@code i}'s attention scores are also divided by {@code i + 1}. Default false. */
    @JsonProperty("scale_attn_by_inverse_layer_idx")
    private boolean scaleAttnByInverseLayerIdx;

    /**
     * Whether attention scores are computed with the scale folded into the product, in float32
     * even under mixed precision (HuggingFace's {@code _upcast_and_reordered_attn}). Default false.
     */
    @JsonProperty("reorder_and_upcast_attn")
    private boolean reorderAndUpcastAttn;

    /** Creates a configuration with HuggingFace's defaults; both bos and eos are {@code <|endoftext|>}. */
    public GPT2Config() {
        setBosTokenId(END_OF_TEXT_TOKEN_ID);
        setEosTokenId(END_OF_TEXT_TOKEN_ID);
    }

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public Map<String, String> attributeMap() {
        return ATTRIBUTE_MAP;
    }

    @Override
    public void validate(String source) throws InvalidConfigException {
        requirePositive(source, "vocab_size", vocabSize);
        requirePositive(source, "n_positions", nPositions);
        requirePositive(source, "n_embd", nEmbd);
        requirePositive(source, "n_head", nHead);
        if (nLayer < 0) {
            throw new InvalidConfigException(source + ": n_layer is " + nLayer + "; it must not be negative");
        }
        if (nInner != null) {
            requirePositive(source, "n_inner", nInner);
        }
        if (nEmbd % nHead != 0) {
            throw new InvalidConfigException(source + ": n_embd " + nEmbd + " is not a multiple of n_head " + nHead);
        }
        if (!(layerNormEpsilon > 0) || Double.isInfinite(layerNormEpsilon)) {
            throw new InvalidConfigException(source + ": layer_norm_epsilon is " + layerNormEpsilon
                    + "; it must be a positive number");
        }
        if (!Activations.isSupported(activationFunction)) {
            throw new InvalidConfigException(source + ": activation_function '" + activationFunction
                    + "' is not supported; supported: " + Activations.names());
        }
        // Token ids are checked last, against the vocabulary size checked above.
        super.validate(source);
    }

    @Override
    protected void checkTokenId(String source, String key, Integer id) throws InvalidConfigException {
        requireInVocabulary(source, key, id, vocabSize);
    }

    /**
     * Counts the parameters of the largest GPT-2 class. The LM head is tied to {@code wte}, so it
     * adds none, and the classification head adds {@code n_embd * num_labels}.
     */
    @Override
    public long estimatedParameterCount() {
        long h = nEmbd;
        long inner = innerSize();
        long embeddings = Math.multiplyExact((long) vocabSize + nPositions, h);
        long attention = Math.addExact(Math.multiplyExact(h, 3 * h) + 3 * h, Math.multiplyExact(h, h) + h);
        long feedForward = Math.addExact(Math.multiplyExact(h, inner) + inner, Math.multiplyExact(inner, h) + h);
        long layerNorms = 2 * 2 * h;
        long perBlock = Math.addExact(Math.addExact(attention, feedForward), layerNorms);
        long blocks = Math.multiplyExact((long) nLayer, perBlock);
        long finalLayerNorm = 2 * h;
        long classificationHead = Math.multiplyExact(h, (long) numLabels());
        return Math.addExact(Math.addExact(embeddings, blocks), finalLayerNorm + classificationHead);
    }

    // ---------------------------------------------------------------- aliases in config.json

    @JsonSetter("hidden_size")
    private void bindHiddenSize(int value) {
        this.nEmbd = value;
    }

    @JsonSetter("max_position_embeddings")
    private void bindMaxPositionEmbeddings(int value) {
        this.nPositions = value;
    }

    @JsonSetter("num_attention_heads")
    private void bindNumAttentionHeads(int value) {
        this.nHead = value;
    }

    @JsonSetter("num_hidden_layers")
    private void bindNumHiddenLayers(int value) {
        this.nLayer = value;
    }

    // ---------------------------------------------------------------- accessors

    public int vocabSize() {
        return vocabSize;
    }

    /** Maximum sequence length, HuggingFace's {@code n_positions} (alias {@code max_position_embeddings}). */
    public int nPositions() {
        return nPositions;
    }

    /** Hidden width, HuggingFace's {@code n_embd} (alias {@code hidden_size}). */
    public int nEmbd() {
        return nEmbd;
    }

    /** Number of blocks, HuggingFace's {@code n_layer} (alias {@code num_hidden_layers}). */
    public int nLayer() {
        return nLayer;
    }

    /** Number of heads, HuggingFace's {@code n_head} (alias {@code num_attention_heads}). */
    public int nHead() {
        return nHead;
    }

    /** Returns the configured {@code n_inner}, or null when the width defaults to {@code 4 * n_embd}. */
    public Integer nInner() {
        return nInner;
    }

    /** Width of the feed-forward layer: {@code n_inner}, or {@code 4 * n_embd} when it is null. */
    public int innerSize() {
        return nInner != null ? nInner : Math.multiplyExact(4, nEmbd);
    }

    public String activationFunction() {
        return activationFunction;
    }

    public double layerNormEpsilon() {
        return layerNormEpsilon;
    }

    public double initializerRange() {
        return initializerRange;
    }

    public boolean scaleAttnWeights() {
        return scaleAttnWeights;
    }

    public boolean useCache() {
        return useCache;
    }

    public boolean scaleAttnByInverseLayerIdx() {
        return scaleAttnByInverseLayerIdx;
    }

    public boolean reorderAndUpcastAttn() {
        return reorderAndUpcastAttn;
    }

    public GPT2Config setVocabSize(int vocabSize) {
        this.vocabSize = vocabSize;
        return this;
    }

    public GPT2Config setNPositions(int nPositions) {
        this.nPositions = nPositions;
        return this;
    }

    public GPT2Config setNEmbd(int nEmbd) {
        this.nEmbd = nEmbd;
        return this;
    }

    public GPT2Config setNLayer(int nLayer) {
        this.nLayer = nLayer;
        return this;
    }

    public GPT2Config setNHead(int nHead) {
        this.nHead = nHead;
        return this;
    }

    public GPT2Config setNInner(Integer nInner) {
        this.nInner = nInner;
        return this;
    }

    public GPT2Config setActivationFunction(String activationFunction) {
        this.activationFunction = activationFunction;
        return this;
    }

    public GPT2Config setLayerNormEpsilon(double layerNormEpsilon) {
        this.layerNormEpsilon = layerNormEpsilon;
        return this;
    }

    public GPT2Config setScaleAttnWeights(boolean scaleAttnWeights) {
        this.scaleAttnWeights = scaleAttnWeights;
        return this;
    }

    public GPT2Config setUseCache(boolean useCache) {
        this.useCache = useCache;
        return this;
    }

    public GPT2Config setScaleAttnByInverseLayerIdx(boolean scaleAttnByInverseLayerIdx) {
        this.scaleAttnByInverseLayerIdx = scaleAttnByInverseLayerIdx;
        return this;
    }

    public GPT2Config setReorderAndUpcastAttn(boolean reorderAndUpcastAttn) {
        this.reorderAndUpcastAttn = reorderAndUpcastAttn;
        return this;
    }
}
