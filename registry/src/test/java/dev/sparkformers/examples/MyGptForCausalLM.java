package dev.sparkformers.examples;

import ai.djl.ndarray.NDArray;

import dev.sparkformers.generation.CausalLanguageModel;
import dev.sparkformers.generation.GenerationConfig;
import dev.sparkformers.modeling.BaseModelOutput;
import dev.sparkformers.modeling.CausalLMOutputWithPast;
import dev.sparkformers.modeling.ModelInputs;
import dev.sparkformers.nn.Linear;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@code my_gpt} with a language modelling head, {@code lm_head} in Linear layout and not tied in
 * the model. Implementing {@link CausalLanguageModel} is all it takes to {@link #generate}.
 */
public class MyGptForCausalLM extends MyGptPreTrainedModel implements CausalLanguageModel {

    private final Linear lmHead;
    private GenerationConfig generationConfig;

    public MyGptForCausalLM(MyGptConfig config) {
        super(config);
        this.lmHead = registerModule("lm_head", new Linear(config.dModel(), config.vocabSize(), false));
        this.generationConfig = GenerationConfig.fromModelConfig(config);
    }

    @Override
    public CausalLMOutputWithPast forward(ModelInputs inputs) {
        return runForward(inputs, () -> {
            BaseModelOutput decoded = decode(inputs);
            NDArray logits = lmHead.forward(decoded.lastHiddenState()); // (B, T, vocab)
            return new CausalLMOutputWithPast(null, logits, null, decoded.hiddenStates(), null);
        });
    }

    @Override
    public GenerationConfig generationConfig() {
        return generationConfig;
    }

    @Override
    protected void loadAuxiliaryFiles(Path directory) throws IOException {
        generationConfig = GenerationConfig.fromPretrainedOrModelConfig(directory, config());
    }

    @Override
    protected void saveAuxiliaryFiles(Path directory) throws IOException {
        generationConfig.savePretrained(directory);
    }
}
