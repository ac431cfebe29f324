package dev.sparkformers.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

import dev.sparkformers.nn.Linear;
import dev.sparkformers.nn.Module;

/** {@code tanh(dense(h[:, 0]))}: the first token's hidden state, projected; {@code [B, T, H] -> [B, H]}. */
public class BertPooler extends Module {

    private final Linear dense;

    public BertPooler(BertConfig config) {
        this.dense = registerModule("dense", new Linear(config.hiddenSize(), config.hiddenSize()));
    }

    public NDArray forward(NDArray hiddenStates) {
        NDArray first = hiddenStates.get(new NDIndex(":, 0, :"));
        return dense.forward(first).tanh();
    }
}
