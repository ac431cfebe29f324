package dev.sparkformers.models.gpt2;

import dev.sparkformers.modeling.PreTrainedModel;

/** Common base of the GPT-2 classes: the {@code transformer} base-model prefix and GPT-2's config. */
public abstract class GPT2PreTrainedModel extends PreTrainedModel<GPT2Config> {

    /** Attribute name of the base model inside head models. */
    public static final String BASE_MODEL_PREFIX = "transformer";

    protected GPT2PreTrainedModel(GPT2Config config) {
        super(config);
    }

    @Override
    public String baseModelPrefix() {
        return BASE_MODEL_PREFIX;
    }
}
