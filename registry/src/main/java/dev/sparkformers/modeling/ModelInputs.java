package dev.sparkformers.modeling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.List;
import java.util.Objects;

/**
 * Arguments of a forward call, named as in HuggingFace's {@code forward}: every array is int64
 * {@code [batch, seq]} except {@code labels}, whose shape depends on the head.
 *
 * <p>Optional flags left null take the config's default ({@code output_hidden_states},
 * {@code output_attentions}, {@code use_cache}).
 */
public final class ModelInputs {

    private final NDArray inputIds;
    private final NDArray attentionMask;
    private final NDArray tokenTypeIds;
    private final NDArray positionIds;
    private final NDArray labels;
    private final List<KeyValue> pastKeyValues;
    private final Boolean useCache;
    private final Boolean outputHiddenStates;
    private final Boolean outputAttentions;

    private ModelInputs(Builder builder) {
        this.inputIds = builder.inputIds;
        this.attentionMask = builder.attentionMask;
        this.tokenTypeIds = builder.tokenTypeIds;
        this.positionIds = builder.positionIds;
        this.labels = builder.labels;
        this.pastKeyValues = builder.pastKeyValues == null ? null : List.copyOf(builder.pastKeyValues);
        this.useCache = builder.useCache;
        this.outputHiddenStates = builder.outputHiddenStates;
        this.outputAttentions = builder.outputAttentions;
    }

    /** Starts a builder for {@code inputIds}, int64 {@code [batch, seq]}. */
    public static Builder builder(NDArray inputIds) {
        return new Builder(inputIds);
    }

    /** Inputs holding only {@code inputIds}. */
    public static ModelInputs of(NDArray inputIds) {
        return builder(inputIds).build();
    }

    public NDArray inputIds() {
        return inputIds;
    }

    /**
     * 1 for tokens to attend to, 0 for padding; null means attend to every token. With
     * {@link #pastKeyValues()} it covers the cached positions too: {@code [batch, pastSeq + seq]}.
     */
    public NDArray attentionMask() {
        return attentionMask;
    }

    /** Segment ids; null means all zeros. */
    public NDArray tokenTypeIds() {
        return tokenTypeIds;
    }

    /** Position ids; null means {@code 0 .. seq-1} after any cached positions. */
    public NDArray positionIds() {
        return positionIds;
    }

    /** Training labels for the head's loss; null for inference. */
    public NDArray labels() {
        return labels;
    }

    /** Cached keys and values per layer from an earlier step, or null. */
    public List<KeyValue> pastKeyValues() {
        return pastKeyValues;
    }

    /** Whether to return keys and values for the next step; null for the config's default. */
    public Boolean useCache() {
        return useCache;
    }

    public boolean outputHiddenStates(boolean configDefault) {
        return outputHiddenStates != null ? outputHiddenStates : configDefault;
    }

    public boolean outputAttentions(boolean configDefault) {
        return outputAttentions != null ? outputAttentions : configDefault;
    }

    /** Batch size. */
    public long batchSize() {
        return inputIds.getShape().get(0);
    }

    /** Sequence length of this call (not counting cached positions). */
    public long sequenceLength() {
        return inputIds.getShape().get(1);
    }

    /** Builder of {@link ModelInputs}. */
    public static final class Builder {

        private final NDArray inputIds;
        private NDArray attentionMask;
        private NDArray tokenTypeIds;
        private NDArray positionIds;
        private NDArray labels;
        private List<KeyValue> pastKeyValues;
        private Boolean useCache;
        private Boolean outputHiddenStates;
        private Boolean outputAttentions;

        private Builder(NDArray inputIds) {
            this.inputIds = Objects.requireNonNull(inputIds, "inputIds is null");
        }

        public Builder attentionMask(NDArray attentionMask) {
            this.attentionMask = attentionMask;
            return this;
        }

        public Builder tokenTypeIds(NDArray tokenTypeIds) {
            this.tokenTypeIds = tokenTypeIds;
            return this;
        }

        public Builder positionIds(NDArray positionIds) {
            this.positionIds = positionIds;
            return this;
        }

        public Builder labels(NDArray labels) {
            this.labels = labels;
            return this;
        }

        public Builder pastKeyValues(List<KeyValue> pastKeyValues) {
            this.pastKeyValues = pastKeyValues;
            return this;
        }

        public Builder useCache(Boolean useCache) {
            this.useCache = useCache;
            return this;
        }

        public Builder outputHiddenStates(Boolean outputHiddenStates) {
            this.outputHiddenStates = outputHiddenStates;
            return this;
        }

        public Builder outputAttentions(Boolean outputAttentions) {
            this.outputAttentions = outputAttentions;
            return this;
        }

        /**
         * Checks shapes and types and builds the inputs.
         *
         * @throws IllegalArgumentException naming the array whose shape or type is wrong
         */
        public ModelInputs build() {
            if (inputIds.getShape().dimension() != 2) {
                throw new IllegalArgumentException("input_ids must be [batch, seq], but has shape " + inputIds.getShape());
            }
            checkIds("input_ids", inputIds);
            checkPastKeyValues();
            checkAttentionMask();
            checkSameShape("token_type_ids", tokenTypeIds);
            checkSameShape("position_ids", positionIds);
            if (tokenTypeIds != null) {
                checkIds("token_type_ids", tokenTypeIds);
            }
            if (positionIds != null) {
                checkIds("position_ids", positionIds);
            }
            return new ModelInputs(this);
        }

        /** Checks that every cached layer has the batch size of input_ids and the same length. */
        private void checkPastKeyValues() {
            if (pastKeyValues == null || pastKeyValues.isEmpty()) {
                return;
            }
            long length = pastKeyValues.get(0).length();
            for (int layer = 0; layer < pastKeyValues.size(); layer++) {
                KeyValue cached = pastKeyValues.get(layer);
                Shape keyShape = cached.key().getShape();
                if (keyShape.dimension() != 4 || !keyShape.equals(cached.value().getShape())) {
                    throw new IllegalArgumentException("past_key_values[" + layer + "] must hold key and value of the "
                            + "same shape [batch, heads, pastSeq, headDim], but has key " + keyShape + " and value "
                            + cached.value().getShape());
                }
                if (keyShape.get(0) != inputIds.getShape().get(0) || cached.length() != length) {
                    throw new IllegalArgumentException("past_key_values[" + layer + "] has shape " + keyShape
                            + ", but input_ids has batch size " + inputIds.getShape().get(0) + " and layer 0 caches "
                            + length + " positions; pass the cache returned by the previous call unchanged");
                }
            }
        }

        /** Checks that the mask covers the cached positions and the new ones, as HuggingFace's decoders expect. */
        private void checkAttentionMask() {
            if (attentionMask == null) {
                return;
            }
            long past = pastKeyValues == null || pastKeyValues.isEmpty() ? 0 : pastKeyValues.get(0).length();
            Shape expected = new Shape(inputIds.getShape().get(0), past + inputIds.getShape().get(1));
            if (!attentionMask.getShape().equals(expected)) {
                throw new IllegalArgumentException("attention_mask has shape " + attentionMask.getShape()
                        + " but must be " + expected + ": [batch, cached positions (" + past
                        + ") + input_ids positions (" + inputIds.getShape().get(1) + ")]");
            }
        }

        private void checkSameShape(String name, NDArray array) {
            if (array != null && !array.getShape().equals(inputIds.getShape())) {
                throw new IllegalArgumentException(name + " has shape " + array.getShape()
                        + " but input_ids has shape " + inputIds.getShape() + "; they must match");
            }
        }

        private static void checkIds(String name, NDArray array) {
            if (array.getDataType() != DataType.INT64 && array.getDataType() != DataType.INT32) {
                throw new IllegalArgumentException(name + " must hold int64 ids, but has data type " + array.getDataType());
            }
        }
    }
}
