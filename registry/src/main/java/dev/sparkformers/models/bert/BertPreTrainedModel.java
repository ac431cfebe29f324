package dev.sparkformers.models.bert;

import dev.sparkformers.modeling.PreTrainedModel;

import java.util.List;

/** Common base of the BERT classes: the {@code bert} base-model prefix and BERT's config. */
public abstract class BertPreTrainedModel extends PreTrainedModel<BertConfig> {

    /** Attribute name of the base model inside head models. */
    public static final String BASE_MODEL_PREFIX = "bert";

    protected BertPreTrainedModel(BertConfig config) {
        super(config);
    }

    @Override
    public String baseModelPrefix() {
        return BASE_MODEL_PREFIX;
    }

    @Override
    public List<String> modelInputNames() {
        return List.of("input_ids", "token_type_ids", "attention_mask");
    }
}
