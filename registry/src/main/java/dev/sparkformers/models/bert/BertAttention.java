package dev.sparkformers.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import dev.sparkformers.nn.Module;

/** Self-attention followed by its output projection. */
public class BertAttention extends Module {

    private final BertSelfAttention self;
    private final BertSelfOutput output;

    public BertAttention(BertConfig config) {
        this.self = registerModule("self", new BertSelfAttention(config));
        this.output = registerModule("output", new BertSelfOutput(config));
    }

    /** Returns the attention output {@code [batch, seq, hidden]} and the probabilities. */
    public NDList forward(NDArray hiddenStates, NDArray extendedMask) {
        NDList selfOutputs = self.forward(hiddenStates, extendedMask);
        return new NDList(output.forward(selfOutputs.get(0), hiddenStates), selfOutputs.get(1));
    }
}
