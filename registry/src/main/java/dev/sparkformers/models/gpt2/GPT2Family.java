package dev.sparkformers.models.gpt2;

import dev.sparkformers.auto.AutoTask;
import dev.sparkformers.auto.ModelClass;
import dev.sparkformers.auto.ModelFamily;
import dev.sparkformers.config.PretrainedConfig;

import java.util.List;
import java.util.Map;

/** Registers GPT-2 with the Auto classes. */
public final class GPT2Family implements ModelFamily {

    @Override
    public String modelType() {
        return GPT2Config.MODEL_TYPE;
    }

    @Override
    public Class<? extends PretrainedConfig> configClass() {
        return GPT2Config.class;
    }

    @Override
    public Map<AutoTask, List<ModelClass<?>>> modelClasses() {
        return Map.of(
                AutoTask.MODEL, List.of(ModelClass.of(GPT2Config.class, GPT2Model.class, GPT2Model::new)),
                AutoTask.CAUSAL_LM, List.of(ModelClass.of(GPT2Config.class, GPT2LMHeadModel.class,
                        GPT2LMHeadModel::new)),
                AutoTask.SEQUENCE_CLASSIFICATION, List.of(ModelClass.of(GPT2Config.class,
                        GPT2ForSequenceClassification.class, GPT2ForSequenceClassification::new)));
    }
}
