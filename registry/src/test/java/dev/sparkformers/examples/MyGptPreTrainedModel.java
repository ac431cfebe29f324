package dev.sparkformers.examples;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.sparkformers.modeling.BaseModelOutput;
import dev.sparkformers.modeling.ModelInputs;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.nn.Embedding;
import dev.sparkformers.nn.LayerNorm;
import dev.sparkformers.nn.ModuleList;

import java.util.ArrayList;
import java.util.List;

/**
 * The decoder shared by the {@code my_gpt} classes: {@code token_embed}, {@code pos_embed},
 * {@code blocks.N} and {@code norm_f}, all at the top level of the parameter tree.
 *
 * <p>It honours {@code attention_mask} and {@code position_ids}, so left-padded batches work, but
 * keeps no key/value cache: generation reruns the whole sequence at every step.
 */
public abstract class MyGptPreTrainedModel extends PreTrainedModel<MyGptConfig> {

    private final Embedding tokenEmbed;
    private final Embedding posEmbed;
    private final ModuleList<MyGptBlock> blocks;
    private final LayerNorm normF;

    protected MyGptPreTrainedModel(MyGptConfig config) {
        super(config);
        this.tokenEmbed = registerModule("token_embed", new Embedding(config.vocabSize(), config.dModel()));
        this.posEmbed = registerModule("pos_embed", new Embedding(config.maxLen(), config.dModel()));
        this.blocks = registerModule("blocks", new ModuleList<>());
        for (int i = 0; i < config.nLayers(); i++) {
            blocks.add(new MyGptBlock(config));
        }
        this.normF = registerModule("norm_f", new LayerNorm(config.dModel(), MyGptBlock.LAYER_NORM_EPS));
    }

    /** Returns an empty prefix, because the decoder's weights sit at the top level of the tree. */
    @Override
    public String baseModelPrefix() {
        return "";
    }

    /** Runs the decoder: the last hidden state after {@code norm_f}, and every hidden state when requested. */
    protected BaseModelOutput decode(ModelInputs inputs) {
        if (inputs.pastKeyValues() != null && !inputs.pastKeyValues().isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " keeps no key/value cache; pass the "
                    + "whole sequence instead of past_key_values");
        }
        NDArray ids = inputs.inputIds(); // (B, T)
        NDManager manager = ids.getManager();
        long seq = ids.getShape().get(1);
        if (seq > config().maxLen()) {
            throw new IllegalArgumentException("Sequence length " + seq + " exceeds max_len " + config().maxLen());
        }
        NDArray positions = inputs.positionIds() != null ? inputs.positionIds()
                : manager.arange(0, seq, 1, DataType.INT64).expandDims(0);
        NDArray allowed = allowedKeys(manager, inputs.attentionMask(), ids.getShape()); // (B, 1, T, T)

        boolean outputHiddenStates = inputs.outputHiddenStates(config().outputHiddenStates());
        List<NDArray> hiddenStates = outputHiddenStates ? new ArrayList<>() : null;
        NDArray h = tokenEmbed.forward(ids).add(posEmbed.forward(positions)); // (B, T, d_model)
        for (MyGptBlock block : blocks.elements()) {
            if (hiddenStates != null) {
                hiddenStates.add(h);
            }
            h = block.forward(h, allowed);
        }
        h = normF.forward(h);
        if (hiddenStates != null) {
            hiddenStates.add(h);
        }
        return new BaseModelOutput(h, hiddenStates == null ? null : List.copyOf(hiddenStates), null);
    }

    /** Returns whether query {@code i} may see key {@code j}: {@code j <= i} and key {@code j} is not padding. */
    private static NDArray allowedKeys(NDManager manager, NDArray attentionMask, Shape idsShape) {
        int batch = Math.toIntExact(idsShape.get(0));
        int seq = Math.toIntExact(idsShape.get(1));
        long[] mask = attentionMask == null ? null : attentionMask.toType(DataType.INT64, false).toLongArray();
        boolean[] allowed = new boolean[batch * seq * seq];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < seq; i++) {
                for (int j = 0; j <= i; j++) {
                    allowed[(b * seq + i) * seq + j] = mask == null || mask[b * seq + j] != 0;
                }
            }
        }
        return manager.create(allowed, new Shape(batch, 1, seq, seq));
    }
}
