package dev.sparkformers.models.bert;

import ai.djl.ndarray.NDArray;

import dev.sparkformers.nn.Init;
import dev.sparkformers.nn.Linear;
import dev.sparkformers.nn.Module;
import dev.sparkformers.nn.Parameter;

/**
 * The MLM decoder: transform, then a projection to the vocabulary whose bias is this head's own
 * {@code bias} parameter ({@code decoder.bias} is the same array, as in HuggingFace).
 */
public class BertLMPredictionHead extends Module {

    private final Parameter bias;
    private final BertPredictionHeadTransform transform;
    private final Linear decoder;

    public BertLMPredictionHead(BertConfig config) {
        this.bias = registerParameter("bias", Init.ZEROS, config.vocabSize());
        this.transform = registerModule("transform", new BertPredictionHeadTransform(config));
        this.decoder = registerModule("decoder", new Linear(config.hiddenSize(), config.vocabSize(), true));
        decoder.tieBias(bias);
    }

    /** {@code [batch, seq, hidden] -> [batch, seq, vocab]}. */
    public NDArray forward(NDArray hiddenStates) {
        return decoder.forward(transform.forward(hiddenStates));
    }

    public Linear decoder() {
        return decoder;
    }
}
