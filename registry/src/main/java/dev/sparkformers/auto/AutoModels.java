package dev.sparkformers.auto;

import dev.sparkformers.config.PretrainedConfig;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.modeling.PreTrainedModel;

import java.io.IOException;
import java.nio.file.Path;

/** The shared implementation of the {@code AutoModel*} classes, parameterised by task. */
final class AutoModels {

    private AutoModels() {}

    static PreTrainedModel<?> fromPretrained(AutoTask task, Path directory, LoadOptions options) throws IOException {
        PretrainedConfig config = AutoConfig.fromPretrained(directory);
        ModelClass<?> modelClass = ModelRegistry.get().modelClass(task, config);
        return PreTrainedModel.fromPretrained(directory, config, modelClass::create, options);
    }

    static PreTrainedModel<?> fromConfig(AutoTask task, PretrainedConfig config, LoadOptions options) {
        ModelClass<?> modelClass = ModelRegistry.get().modelClass(task, config);
        return PreTrainedModel.fromConfig(config, modelClass::create, options);
    }

    static <C extends PretrainedConfig> void register(AutoTask task, Class<C> configClass,
            Class<? extends PreTrainedModel<?>> modelClass) {
        ModelRegistry.get().registerModel(task, ModelClass.reflective(configClass, modelClass), false);
    }
}
