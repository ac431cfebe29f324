package dev.sparkformers.models.gpt2;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;

import dev.sparkformers.modeling.BaseModelOutputWithPast;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.modeling.Losses;
import dev.sparkformers.modeling.ModelInputs;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.modeling.SequenceClassifierOutputWithPast;
import dev.sparkformers.nn.Linear;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * GPT-2 with a linear classifier ({@code score}, no bias) read at one token per row: logits
 * {@code [batch, numLabels]}.
 *
 * <p>The token is picked as HuggingFace picks it: {@code (index of the first pad_token_id - 1) % seq},
 * so the last token before right padding, and the last position when a row has no padding or is
 * left-padded. Without a {@code pad_token_id} the last position is used, which is only allowed for
 * batches of one. With labels, the loss follows {@code problem_type}, or HuggingFace's guess when it
 * is unset: regression for one label, single-label classification for integer labels, multi-label
 * classification otherwise.
 */
public class GPT2ForSequenceClassification extends GPT2PreTrainedModel {

    private final GPT2Model transformer;
    private final Linear score;

    public GPT2ForSequenceClassification(GPT2Config config) {
        super(config);
        this.transformer = registerModule("transformer", new GPT2Model(config));
        this.score = registerModule("score", new Linear(config.nEmbd(), config.numLabels(), false));
    }

    /** Loads a checkpoint directory with default options. */
    public static GPT2ForSequenceClassification fromPretrained(Path directory) throws IOException {
        return fromPretrained(directory, LoadOptions.defaults());
    }

    public static GPT2ForSequenceClassification fromPretrained(Path directory, LoadOptions options)
            throws IOException {
        return PreTrainedModel.fromPretrained(directory, GPT2Config.class, GPT2ForSequenceClassification::new,
                options);
    }

    @Override
    public SequenceClassifierOutputWithPast forward(ModelInputs inputs) {
        long[] pooledIndices = pooledTokenIndices(inputs.inputIds());
        return runForward(inputs, () -> {
            BaseModelOutputWithPast outputs = transformer.run(inputs);
            NDArray perToken = score.forward(outputs.lastHiddenState()); // (B, T, labels)
            NDList rows = new NDList();
            for (int row = 0; row < pooledIndices.length; row++) {
                rows.add(perToken.get(row, pooledIndices[row])); // (labels)
            }
            NDArray logits = NDArrays.stack(rows); // (B, labels)
            NDArray loss = inputs.labels() == null ? null : loss(logits, inputs.labels());
            return new SequenceClassifierOutputWithPast(loss, logits, outputs.pastKeyValues(), outputs.hiddenStates(),
                    outputs.attentions());
        });
    }

    /**
     * Returns, per row, the position whose logits are the row's logits: HuggingFace's
     * {@code (argmax(input_ids == pad_token_id) - 1) % seq}, or {@code seq - 1} without a pad token.
     *
     * @throws IllegalArgumentException for a batch of more than one row when the config has no
     *     {@code pad_token_id}, with HuggingFace's message
     */
    public long[] pooledTokenIndices(NDArray inputIds) {
        long batch = inputIds.getShape().get(0);
        long seq = inputIds.getShape().get(1);
        OptionalInt padTokenId = config().padTokenId();
        if (padTokenId.isEmpty() && batch != 1) {
            throw new IllegalArgumentException("Cannot handle batch sizes > 1 if no padding token is defined. "
                    + "Set pad_token_id in the config (for GPT-2, often the eos token id "
                    + config().eosTokenIds() + ") or classify one sequence at a time.");
        }
        long[] indices = new long[Math.toIntExact(batch)];
        long[] ids;
        if (inputIds.getDataType() == DataType.INT64) {
            ids = inputIds.toLongArray();
        } else {
            try (NDArray converted = inputIds.toType(DataType.INT64, true)) {
                ids = converted.toLongArray();
            }
        }
        for (int row = 0; row < batch; row++) {
            long firstPad = 0;
            if (padTokenId.isPresent()) {
                // argmax of an all-false row is 0, so a row without padding gives (0 - 1) % seq = seq - 1.
                for (int column = 0; column < seq; column++) {
                    if (ids[Math.toIntExact(row * seq + column)] == padTokenId.getAsInt()) {
                        firstPad = column;
                        break;
                    }
                }
            }
            indices[row] = Math.floorMod(firstPad - 1, seq);
        }
        return indices;
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
