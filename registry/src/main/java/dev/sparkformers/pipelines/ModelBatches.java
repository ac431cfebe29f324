package dev.sparkformers.pipelines;

import ai.djl.ndarray.NDManager;

import dev.sparkformers.modeling.ModelInputs;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.tokenization.BatchEncoding;

/** Turns a padded batch of encodings into the forward inputs a model reads. */
final class ModelBatches {

    private ModelBatches() {}

    /**
     * Builds int64 {@code [batch, seq]} inputs on {@code manager}, passing {@code token_type_ids}
     * only when the model reads them.
     */
    static ModelInputs.Builder inputs(PreTrainedModel<?> model, BatchEncoding batch, NDManager manager) {
        ModelInputs.Builder builder = ModelInputs.builder(batch.toNDArray(manager, BatchEncoding.INPUT_IDS))
                .attentionMask(batch.toNDArray(manager, BatchEncoding.ATTENTION_MASK));
        if (model.modelInputNames().contains(BatchEncoding.TOKEN_TYPE_IDS)) {
            builder.tokenTypeIds(batch.toNDArray(manager, BatchEncoding.TOKEN_TYPE_IDS));
        }
        return builder;
    }
}
