package dev.sparkformers.auto;

import dev.sparkformers.config.PretrainedConfig;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.modeling.PreTrainedModel;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Builds the causal language modelling head of whatever family a checkpoint's {@code model_type} names, like HuggingFace's
 * {@code AutoModelForCausalLM}.
 */
public final class AutoModelForCausalLM {

    private AutoModelForCausalLM() {}

    /** Loads a checkpoint directory with default options. */
    public static PreTrainedModel<?> fromPretrained(Path directory) throws IOException {
        return fromPretrained(directory, LoadOptions.defaults());
    }

    /**
     * Loads a checkpoint directory: config.json picks the family, its {@code architectures} the
     * class when the family has several for this task.
     */
    public static PreTrainedModel<?> fromPretrained(Path directory, LoadOptions options) throws IOException {
        return AutoModels.fromPretrained(AutoTask.CAUSAL_LM, directory, options);
    }

    /** Builds a model with initialised weights from a config alone. */
    public static PreTrainedModel<?> fromConfig(PretrainedConfig config, LoadOptions options) {
        return AutoModels.fromConfig(AutoTask.CAUSAL_LM, config, options);
    }

    /**
     * Registers {@code modelClass}, which needs a public constructor taking {@code configClass}.
     * Registering the same class again does nothing; a different class for the same config fails.
     */
    public static <C extends PretrainedConfig> void register(Class<C> configClass,
            Class<? extends PreTrainedModel<?>> modelClass) {
        AutoModels.register(AutoTask.CAUSAL_LM, configClass, modelClass);
    }
}
