package dev.sparkformers.examples;

import com.fasterxml.jackson.annotation.JsonProperty;

import dev.sparkformers.config.InvalidConfigException;
import dev.sparkformers.config.PretrainedConfig;

/**
 * Configuration of the example model {@code my_gpt}: a user's own GPT, written without
 * HuggingFace's names. Each key is a field with {@code @JsonProperty} and a default; everything
 * else (labels, token ids, unknown keys) comes from {@link PretrainedConfig}.
 */
public class MyGptConfig extends PretrainedConfig {

    /** The {@code model_type} in config.json and the registry key. */
    public static final String MODEL_TYPE = "my_gpt";

    @JsonProperty("vocab_size")
    private int vocabSize = 50257;

    @JsonProperty("d_model")
    private int dModel = 768;

    @JsonProperty("n_heads")
    private int nHeads = 12;

    @JsonProperty("n_layers")
    private int nLayers = 12;

    /** Maximum sequence length the position table covers. */
    @JsonProperty("max_len")
    private int maxLen = 1024;

    /** Dropout probability; unused at inference. */
    @JsonProperty("dropout")
    private double dropout = 0.1;

    /** Creates a configuration with the defaults; the registry needs this constructor. */
    public MyGptConfig() {}

    @Override
    public String modelType() {
        return MODEL_TYPE;
    }

    @Override
    public void validate(String source) throws InvalidConfigException {
        requirePositive(source, "vocab_size", vocabSize);
        requirePositive(source, "d_model", dModel);
        requirePositive(source, "n_heads", nHeads);
        requirePositive(source, "max_len", maxLen);
        if (nLayers < 0) {
            throw new InvalidConfigException(source + ": n_layers is " + nLayers + "; it must not be negative");
        }
        if (dModel % nHeads != 0) {
            throw new InvalidConfigException(source + ": d_model " + dModel + " is not a multiple of n_heads "
                    + nHeads);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new InvalidConfigException(source + ": dropout is " + dropout + "; it must be in [0, 1)");
        }
        super.validate(source);
    }

    @Override
    protected void checkTokenId(String source, String key, Integer id) throws InvalidConfigException {
        requireInVocabulary(source, key, id, vocabSize);
    }

    public int vocabSize() {
        return vocabSize;
    }

    public int dModel() {
        return dModel;
    }

    public int nHeads() {
        return nHeads;
    }

    public int nLayers() {
        return nLayers;
    }

    public int maxLen() {
        return maxLen;
    }

    public double dropout() {
        return dropout;
    }

    public MyGptConfig setVocabSize(int vocabSize) {
        this.vocabSize = vocabSize;
        return this;
    }

    public MyGptConfig setDModel(int dModel) {
        this.dModel = dModel;
        return this;
    }

    public MyGptConfig setNHeads(int nHeads) {
        this.nHeads = nHeads;
        return this;
    }

    public MyGptConfig setNLayers(int nLayers) {
        this.nLayers = nLayers;
        return this;
    }

    public MyGptConfig setMaxLen(int maxLen) {
        this.maxLen = maxLen;
        return this;
    }
}
