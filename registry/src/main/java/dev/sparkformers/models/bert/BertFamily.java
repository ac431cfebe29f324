package dev.sparkformers.models.bert;

import dev.sparkformers.auto.AutoTask;
import dev.sparkformers.auto.ModelClass;
import dev.sparkformers.auto.ModelFamily;
import dev.sparkformers.config.PretrainedConfig;

import java.util.List;
import java.util.Map;

/** Registers BERT with the Auto classes. */
public final class BertFamily implements ModelFamily {

    @Override
    public String modelType() {
        return BertConfig.MODEL_TYPE;
    }

    @Override
    public Class<? extends PretrainedConfig> configClass() {
        return BertConfig.class;
    }

    @Override
    public Map<AutoTask, List<ModelClass<?>>> modelClasses() {
        return Map.of(
                AutoTask.MODEL, List.of(ModelClass.of(BertConfig.class, BertModel.class, BertModel::new)),
                AutoTask.SEQUENCE_CLASSIFICATION, List.of(ModelClass.of(BertConfig.class,
                        BertForSequenceClassification.class, BertForSequenceClassification::new)),
                AutoTask.MASKED_LM, List.of(ModelClass.of(BertConfig.class, BertForMaskedLM.class,
                        BertForMaskedLM::new)));
    }
}
