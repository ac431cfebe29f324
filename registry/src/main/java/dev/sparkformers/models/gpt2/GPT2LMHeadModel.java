package dev.sparkformers.models.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

import dev.sparkformers.generation.CausalLanguageModel;
import dev.sparkformers.generation.GenerationConfig;
import dev.sparkformers.modeling.BaseModelOutputWithPast;
import dev.sparkformers.modeling.CausalLMOutputWithPast;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.modeling.Losses;
import dev.sparkformers.modeling.ModelInputs;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.nn.Linear;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * GPT-2 with the language modelling head: next-token logits {@code [batch, seq, vocab]}.
 *
 * <p>{@code lm_head} has no bias and shares {@code transformer.wte.weight} when
 * {@code tie_word_embeddings} is true (the default), so checkpoints leave it out and load without
 * reporting it missing. With labels (input ids, {@code -100} where ignored), the loss is the mean
 * cross entropy of each position's logits against the next position's label, as HuggingFace
 * shifts them internally.
 *
 * <p>It generates text with {@link #generate}: its {@link #generationConfig()} is read from the
 * checkpoint's {@code generation_config.json}, or derived from config.json when the checkpoint has
 * none, and {@link #savePretrained} writes it back.
 */
public class GPT2LMHeadModel extends GPT2PreTrainedModel implements CausalLanguageModel {

    private final GPT2Model transformer;
    private final Linear lmHead;
    private GenerationConfig generationConfig;

    public GPT2LMHeadModel(GPT2Config config) {
        super(config);
        this.transformer = registerModule("transformer", new GPT2Model(config));
        this.lmHead = registerModule("lm_head", new Linear(config.nEmbd(), config.vocabSize(), false));
        if (config.tieWordEmbeddings()) {
            lmHead.tieWeight(transformer.wte().weight());
        }
        this.generationConfig = GenerationConfig.fromModelConfig(config);
    }

    /** Loads a checkpoint directory with default options. */
    public static GPT2LMHeadModel fromPretrained(Path directory) throws IOException {
        return fromPretrained(directory, LoadOptions.defaults());
    }

    public static GPT2LMHeadModel fromPretrained(Path directory, LoadOptions options) throws IOException {
        return PreTrainedModel.fromPretrained(directory, GPT2Config.class, GPT2LMHeadModel::new, options);
    }

    @Override
    protected List<String> tiedWeightsKeys() {
        return List.of("lm_head.weight");
    }

    @Override
    public CausalLMOutputWithPast forward(ModelInputs inputs) {
        return runForward(inputs, () -> {
            BaseModelOutputWithPast outputs = transformer.run(inputs);
            NDArray logits = lmHead.forward(outputs.lastHiddenState()); // (B, T, vocab)
            NDArray loss = inputs.labels() == null ? null : loss(logits, inputs.labels());
            return new CausalLMOutputWithPast(loss, logits, outputs.pastKeyValues(), outputs.hiddenStates(),
                    outputs.attentions());
        });
    }

    /** Cross entropy of the logits at positions {@code 0 .. T-2} against the labels at {@code 1 .. T-1}. */
    private static NDArray loss(NDArray logits, NDArray labels) {
        long vocab = logits.getShape().get(2);
        NDArray shiftedLogits = logits.get(new NDIndex(":, :-1, :")).reshape(-1, vocab); // (B * (T-1), vocab)
        NDArray shiftedLabels = labels.get(new NDIndex(":, 1:")).reshape(-1); // (B * (T-1))
        return Losses.crossEntropy(shiftedLogits, shiftedLabels, logits.getManager());
    }

    @Override
    public GenerationConfig generationConfig() {
        return generationConfig;
    }

    /** Replaces the default generation settings, HuggingFace's {@code model.generation_config = ...}. */
    public void setGenerationConfig(GenerationConfig generationConfig) {
        this.generationConfig = Objects.requireNonNull(generationConfig, "generationConfig is null");
    }

    @Override
    protected void loadAuxiliaryFiles(Path directory) throws IOException {
        generationConfig = GenerationConfig.fromPretrainedOrModelConfig(directory, config());
    }

    @Override
    protected void saveAuxiliaryFiles(Path directory) throws IOException {
        generationConfig.savePretrained(directory);
    }

    /** Returns the base model. */
    public GPT2Model transformer() {
        return transformer;
    }
}
