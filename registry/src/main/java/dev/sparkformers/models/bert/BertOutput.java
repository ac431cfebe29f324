package dev.sparkformers.models.bert;

import ai.djl.ndarray.NDArray;

import dev.sparkformers.nn.LayerNorm;
import dev.sparkformers.nn.Linear;
import dev.sparkformers.nn.Module;

/** Feed-forward contraction with residual connection and LayerNorm: {@code LN(dense(x) + input)}. */
public class BertOutput extends Module {

    private final Linear dense;
    private final LayerNorm layerNorm;

    public BertOutput(BertConfig config) {
        this.dense = registerModule("dense", new Linear(config.intermediateSize(), config.hiddenSize()));
        this.layerNorm = registerModule("LayerNorm", new LayerNorm(config.hiddenSize(), config.layerNormEps()));
    }

    /**
     * @param hiddenStates {@code [batch, seq, intermediate]}
     * @param inputTensor the residual, {@code [batch, seq, hidden]}
     */
    public NDArray forward(NDArray hiddenStates, NDArray inputTensor) {
        NDArray residual = dense.forward(hiddenStates).addi(inputTensor);
        NDArray normalized = layerNorm.forward(residual);
        residual.close();
        return normalized;
    }
}
