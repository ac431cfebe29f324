package dev.sparkformers.models.bert;

import ai.djl.ndarray.NDArray;

import dev.sparkformers.nn.Activations;
import dev.sparkformers.nn.LayerNorm;
import dev.sparkformers.nn.Linear;
import dev.sparkformers.nn.Module;

import java.util.function.UnaryOperator;

/** {@code LN(act(dense(x)))} before the MLM decoder; {@code [.., hidden] -> [.., hidden]}. */
public class BertPredictionHeadTransform extends Module {

    private final Linear dense;
    private final UnaryOperator<NDArray> activation;
    private final LayerNorm layerNorm;

    public BertPredictionHeadTransform(BertConfig config) {
        this.dense = registerModule("dense", new Linear(config.hiddenSize(), config.hiddenSize()));
        this.activation = Activations.get(config.hiddenAct());
        this.layerNorm = registerModule("LayerNorm", new LayerNorm(config.hiddenSize(), config.layerNormEps()));
    }

    public NDArray forward(NDArray hiddenStates) {
        return layerNorm.forward(activation.apply(dense.forward(hiddenStates)));
    }
}
