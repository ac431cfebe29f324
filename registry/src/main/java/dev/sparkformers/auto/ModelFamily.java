package dev.sparkformers.auto;

import dev.sparkformers.config.PretrainedConfig;

import java.util.List;
import java.util.Map;

/**
 * A model family the Auto classes discover with {@link java.util.ServiceLoader}: its
 * {@code model_type}, config class and model classes per task.
 *
 * <p>Built-in families and user families are found the same way: list the implementation in
 * {@code META-INF/services/dev.sparkformers.auto.ModelFamily} of the jar. A family in a jar that
 * a Spark job ships is therefore found on every executor without any registration call.
 */
public interface ModelFamily {

    /** The {@code model_type} key of config.json, for example {@code bert}. */
    String modelType();

    /** The config class; its {@code modelType()} must equal {@link #modelType()}. */
    Class<? extends PretrainedConfig> configClass();

    /**
     * Model classes per task. When a task lists several, the one named in the config's
     * {@code architectures} is chosen, otherwise the first.
     */
    Map<AutoTask, List<ModelClass<?>>> modelClasses();
}
