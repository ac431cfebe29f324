package dev.sparkformers.models.bert;

import ai.djl.ndarray.NDArray;

import dev.sparkformers.modeling.AttentionMasks;
import dev.sparkformers.modeling.BaseModelOutput;
import dev.sparkformers.modeling.BaseModelOutputWithPooling;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.modeling.ModelInputs;
import dev.sparkformers.modeling.PreTrainedModel;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The bare BERT encoder: embeddings, the layer stack and, optionally, the pooler.
 *
 * <p>{@code forward} takes {@code input_ids} {@code [batch, seq]} and returns
 * {@code last_hidden_state} {@code [batch, seq, hidden]} and {@code pooler_output}
 * {@code [batch, hidden]}. The attention mask is applied as HuggingFace does: padded keys get the
 * float32 minimum added to their scores.
 */
public class BertModel extends BertPreTrainedModel {

    private final BertEmbeddings embeddings;
    private final BertEncoder encoder;
    private final BertPooler pooler;

    /** Builds the model with a pooler, as HuggingFace's default {@code add_pooling_layer=True}. */
    public BertModel(BertConfig config) {
        this(config, true);
    }

    public BertModel(BertConfig config, boolean addPoolingLayer) {
        super(config);
        this.embeddings = registerModule("embeddings", new BertEmbeddings(config));
        this.encoder = registerModule("encoder", new BertEncoder(config));
        this.pooler = addPoolingLayer ? registerModule("pooler", new BertPooler(config)) : null;
    }

    /** Loads a checkpoint directory with default options. */
    public static BertModel fromPretrained(Path directory) throws IOException {
        return fromPretrained(directory, LoadOptions.defaults());
    }

    public static BertModel fromPretrained(Path directory, LoadOptions options) throws IOException {
        return PreTrainedModel.fromPretrained(directory, BertConfig.class, BertModel::new, options);
    }

    public BaseModelOutputWithPooling forward(ModelInputs inputs) {
        return runForward(inputs, () -> run(inputs));
    }

    /** The forward pass without scope handling, for head models that run inside their own scope. */
    BaseModelOutputWithPooling run(ModelInputs inputs) {
        NDArray embeddingOutput = embeddings.forward(inputs.inputIds(), inputs.tokenTypeIds(), inputs.positionIds());
        // The mask takes the hidden states' type: float16 when the weights were loaded in float16.
        NDArray extendedMask = inputs.attentionMask() == null ? null
                : AttentionMasks.extendedAttentionMask(inputs.attentionMask(), embeddingOutput.getDataType());
        BaseModelOutput encoded = encoder.forward(embeddingOutput, extendedMask,
                inputs.outputHiddenStates(config().outputHiddenStates()),
                inputs.outputAttentions(config().outputAttentions()));
        NDArray pooled = pooler == null ? null : pooler.forward(encoded.lastHiddenState());
        return new BaseModelOutputWithPooling(encoded.lastHiddenState(), pooled, encoded.hiddenStates(),
                encoded.attentions());
    }

    public BertEmbeddings embeddings() {
        return embeddings;
    }
}
