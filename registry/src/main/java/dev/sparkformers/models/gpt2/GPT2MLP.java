package dev.sparkformers.models.gpt2;

import ai.djl.ndarray.NDArray;

import dev.sparkformers.nn.Activations;
import dev.sparkformers.nn.Conv1D;
import dev.sparkformers.nn.Module;

import java.util.function.UnaryOperator;

/**
 * GPT-2's feed-forward block: {@code c_proj(act(c_fc(x)))}, widening to {@code n_inner}
 * (default {@code 4 * n_embd}).
 */
public class GPT2MLP extends Module {

    private final Conv1D cFc;
    private final Conv1D cProj;
    private final UnaryOperator<NDArray> activation;

    public GPT2MLP(GPT2Config config) {
        int inner = config.innerSize();
        this.cFc = registerModule("c_fc", new Conv1D(inner, config.nEmbd()));
        this.cProj = registerModule("c_proj", new Conv1D(config.nEmbd(), inner));
        this.activation = Activations.get(config.activationFunction());
    }

    /** {@code [batch, seq, hidden] -> [batch, seq, hidden]}. */
    public NDArray forward(NDArray hiddenStates) {
        NDArray inner = activation.apply(cFc.forward(hiddenStates)); // (B, T, inner)
        return cProj.forward(inner);
    }
}
