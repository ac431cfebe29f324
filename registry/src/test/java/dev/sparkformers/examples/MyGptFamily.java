package dev.sparkformers.examples;

import dev.sparkformers.auto.AutoTask;
import dev.sparkformers.auto.ModelClass;
import dev.sparkformers.auto.ModelFamily;
import dev.sparkformers.config.PretrainedConfig;

import java.util.List;
import java.util.Map;

/**
 * Registers {@code my_gpt} with the Auto classes through {@link java.util.ServiceLoader}: listed in
 * {@code META-INF/services/dev.sparkformers.auto.ModelFamily} of the test resources, it is found on
 * any JVM whose classpath contains the test classes, with no {@code register} call.
 */
public final class MyGptFamily implements ModelFamily {

    @Override
    public String modelType() {
        return MyGptConfig.MODEL_TYPE;
    }

    @Override
    public Class<? extends PretrainedConfig> configClass() {
        return MyGptConfig.class;
    }

    @Override
    public Map<AutoTask, List<ModelClass<?>>> modelClasses() {
        return Map.of(
                AutoTask.MODEL, List.of(ModelClass.of(MyGptConfig.class, MyGptModel.class, MyGptModel::new)),
                AutoTask.CAUSAL_LM, List.of(ModelClass.of(MyGptConfig.class, MyGptForCausalLM.class,
                        MyGptForCausalLM::new)));
    }
}
