package dev.sparkformers.models.bert;

import ai.djl.ndarray.NDArray;

import dev.sparkformers.nn.Activations;
import dev.sparkformers.nn.Linear;
import dev.sparkformers.nn.Module;

import java.util.function.UnaryOperator;

/** Feed-forward expansion: {@code act(dense(x))}, {@code [.., hidden] -> [.., intermediate]}. */
public class BertIntermediate extends Module {

    private final Linear dense;
    private final UnaryOperator<NDArray> activation;

    public BertIntermediate(BertConfig config) {
        this.dense = registerModule("dense", new Linear(config.hiddenSize(), config.intermediateSize()));
        this.activation = Activations.get(config.hiddenAct());
    }

    public NDArray forward(NDArray hiddenStates) {
        NDArray projected = dense.forward(hiddenStates);
        NDArray activated = activation.apply(projected);
        projected.close();
        return activated;
    }
}
