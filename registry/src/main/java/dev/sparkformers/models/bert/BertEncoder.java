package dev.sparkformers.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

import dev.sparkformers.modeling.BaseModelOutput;
import dev.sparkformers.nn.Module;
import dev.sparkformers.nn.ModuleList;

import java.util.ArrayList;
import java.util.List;

/** The stack of {@link BertLayer}s. */
public class BertEncoder extends Module {

    private final ModuleList<BertLayer> layers;

    public BertEncoder(BertConfig config) {
        this.layers = registerModule("layer", new ModuleList<>());
        for (int i = 0; i < config.numHiddenLayers(); i++) {
            layers.add(new BertLayer(config));
        }
    }

    /**
     * @param hiddenStates embedding output {@code [batch, seq, hidden]}
     * @param extendedMask additive mask {@code [batch, 1, 1, seq]}, or null
     */
    public BaseModelOutput forward(NDArray hiddenStates, NDArray extendedMask, boolean outputHiddenStates,
            boolean outputAttentions) {
        List<NDArray> allHiddenStates = outputHiddenStates ? new ArrayList<>() : null;
        List<NDArray> allAttentions = outputAttentions ? new ArrayList<>() : null;
        NDArray current = hiddenStates;
        for (BertLayer layer : layers.elements()) {
            if (allHiddenStates != null) {
                allHiddenStates.add(current);
            }
            NDList outputs = layer.forward(current, extendedMask, outputAttentions);
            current = outputs.get(0);
            if (allAttentions != null) {
                allAttentions.add(outputs.get(1));
            }
        }
        if (allHiddenStates != null) {
            allHiddenStates.add(current);
        }
        return new BaseModelOutput(current, allHiddenStates == null ? null : List.copyOf(allHiddenStates),
                allAttentions == null ? null : List.copyOf(allAttentions));
    }
}
