package dev.sparkformers.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import dev.sparkformers.modeling.BaseModelOutputWithPooling;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.modeling.Losses;
import dev.sparkformers.modeling.ModelInputs;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.modeling.SequenceClassifierOutput;
import dev.sparkformers.nn.Linear;

import java.io.IOException;
import java.nio.file.Path;

/**
 * BERT with a linear classifier on the pooled output: logits {@code [batch, numLabels]}.
 *
 * <p>With labels, the loss follows the config's {@code problem_type}, or HuggingFace's guess when
 * it is unset: regression for one label, single-label classification for integer labels,
 * multi-label classification otherwise.
 */
public class BertForSequenceClassification extends BertPreTrainedModel {

    private final BertModel bert;
    private final Linear classifier;

    public BertForSequenceClassification(BertConfig config) {
        super(config);
        this.bert = registerModule("bert", new BertModel(config, true));
        this.classifier = registerModule("classifier", new Linear(config.hiddenSize(), config.numLabels()));
    }

    public static BertForSequenceClassification fromPretrained(Path directory) throws IOException {
        return fromPretrained(directory, LoadOptions.defaults());
    }

    public static BertForSequenceClassification fromPretrained(Path directory, LoadOptions options)
            throws IOException {
        return PreTrainedModel.fromPretrained(directory, BertConfig.class, BertForSequenceClassification::new, options);
    }

    public SequenceClassifierOutput forward(ModelInputs inputs) {
        return runForward(inputs, () -> {
            BaseModelOutputWithPooling outputs = bert.run(inputs);
            NDArray logits = classifier.forward(outputs.poolerOutput());
            NDArray loss = inputs.labels() == null ? null : loss(logits, inputs.labels());
            return new SequenceClassifierOutput(loss, logits, outputs.hiddenStates(), outputs.attentions());
        });
    }

    private NDArray loss(NDArray logits, NDArray labels) {
        String problemType = config().problemType();
        if (problemType == null) {
            boolean integerLabels = labels.getDataType() == DataType.INT64 || labels.getDataType() == DataType.INT32;
            problemType = config().numLabels() == 1 ? "regression"
                    : integerLabels ? "single_label_classification" : "multi_label_classification";
        }
        return switch (problemType) {
            case "regression" -> Losses.meanSquaredError(logits, labels, logits.getManager());
            case "single_label_classification" -> Losses.crossEntropy(logits, labels, logits.getManager());
            default -> Losses.binaryCrossEntropyWithLogits(logits, labels, logits.getManager());
        };
    }
}
