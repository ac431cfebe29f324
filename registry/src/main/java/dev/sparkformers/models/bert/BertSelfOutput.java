package dev.sparkformers.models.bert;

import ai.djl.ndarray.NDArray;

import dev.sparkformers.nn.LayerNorm;
import dev.sparkformers.nn.Linear;
import dev.sparkformers.nn.Module;

/** Attention output projection with residual connection and LayerNorm: {@code LN(dense(x) + input)}. */
public class BertSelfOutput extends Module {

    private final Linear dense;
    private final LayerNorm layerNorm;

    public BertSelfOutput(BertConfig config) {
        this.dense = registerModule("dense", new Linear(config.hiddenSize(), config.hiddenSize()));
        this.layerNorm = registerModule("LayerNorm", new LayerNorm(config.hiddenSize(), config.layerNormEps()));
    }

    /** Both arguments and the result are {@code [batch, seq, hidden]}. */
    public NDArray forward(NDArray hiddenStates, NDArray inputTensor) {
        NDArray residual = dense.forward(hiddenStates).addi(inputTensor);
        NDArray normalized = layerNorm.forward(residual);
        residual.close();
        return normalized;
    }
}
