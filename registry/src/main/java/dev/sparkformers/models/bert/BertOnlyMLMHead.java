package dev.sparkformers.models.bert;

import ai.djl.ndarray.NDArray;

import dev.sparkformers.nn.Module;

/** The {@code cls} module of {@link BertForMaskedLM}, holding the prediction head. */
public class BertOnlyMLMHead extends Module {

    private final BertLMPredictionHead predictions;

    public BertOnlyMLMHead(BertConfig config) {
        this.predictions = registerModule("predictions", new BertLMPredictionHead(config));
    }

    public NDArray forward(NDArray sequenceOutput) {
        return predictions.forward(sequenceOutput);
    }

    public BertLMPredictionHead predictions() {
        return predictions;
    }
}
