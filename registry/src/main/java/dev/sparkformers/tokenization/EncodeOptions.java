package dev.sparkformers.tokenization;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The options of one encode call, with the meaning of the keyword arguments of HuggingFace's
 * {@code tokenizer(text, padding=..., truncation=..., max_length=..., pad_to_multiple_of=...,
 * add_special_tokens=..., padding_side=...)}.
 *
 * <p>The defaults are HuggingFace's: no padding, truncation not set, no {@code maxLength}, special
 * tokens added, and the tokenizer's own padding and truncation sides. The {@code padding} and
 * {@code truncation} blocks of {@code tokenizer.json} never apply; only these options do.
 *
 * <p>When truncation is not set, HuggingFace's rules decide: a {@code maxLength} without padding
 * turns on {@link TruncationStrategy#LONGEST_FIRST} (with a warning), and otherwise nothing is
 * truncated. When truncation or {@link PaddingStrategy#MAX_LENGTH} padding is requested without
 * {@code maxLength}, the tokenizer's {@code model_max_length} is used. Instances are immutable.
 */
public final class EncodeOptions {

    private static final EncodeOptions DEFAULTS = builder().build();

    private final PaddingStrategy padding;
    private final TruncationStrategy truncation;
    private final Integer maxLength;
    private final Integer padToMultipleOf;
    private final boolean addSpecialTokens;
    private final Side paddingSide;
    private final Side truncationSide;

    private EncodeOptions(Builder builder) {
        this.padding = builder.padding;
        this.truncation = builder.truncation;
        this.maxLength = builder.maxLength;
        this.padToMultipleOf = builder.padToMultipleOf;
        this.addSpecialTokens = builder.addSpecialTokens;
        this.paddingSide = builder.paddingSide;
        this.truncationSide = builder.truncationSide;
    }

    /** Returns the default options: no padding, no truncation, special tokens added. */
    public static EncodeOptions defaults() {
        return DEFAULTS;
    }

    /** Returns a builder that starts from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder that starts from these options. */
    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.padding = padding;
        builder.truncation = truncation;
        builder.maxLength = maxLength;
        builder.padToMultipleOf = padToMultipleOf;
        builder.addSpecialTokens = addSpecialTokens;
        builder.paddingSide = paddingSide;
        builder.truncationSide = truncationSide;
        return builder;
    }

    /** Returns the padding strategy. */
    public PaddingStrategy padding() {
        return padding;
    }

    /** Returns the truncation strategy, or empty when the call leaves it to HuggingFace's default rules. */
    public Optional<TruncationStrategy> truncation() {
        return Optional.ofNullable(truncation);
    }

    /** Returns the maximum length in tokens, special tokens included, or empty when not set. */
    public OptionalInt maxLength() {
        return maxLength == null ? OptionalInt.empty() : OptionalInt.of(maxLength);
    }

    /** Returns the multiple that padded lengths are rounded up to, or empty when not set. */
    public OptionalInt padToMultipleOf() {
        return padToMultipleOf == null ? OptionalInt.empty() : OptionalInt.of(padToMultipleOf);
    }

    /** Returns whether the post-processor adds the model's special tokens ({@code [CLS]}, {@code [SEP]}). */
    public boolean addSpecialTokens() {
        return addSpecialTokens;
    }

    /** Returns the padding side for this call, or empty to use the tokenizer's {@code padding_side}. */
    public Optional<Side> paddingSide() {
        return Optional.ofNullable(paddingSide);
    }

    /** Returns the truncation side for this call, or empty to use the tokenizer's {@code truncation_side}. */
    public Optional<Side> truncationSide() {
        return Optional.ofNullable(truncationSide);
    }

    @Override
    public String toString() {
        return "EncodeOptions{padding=" + padding
                + ", truncation=" + (truncation == null ? "unset" : truncation)
                + ", maxLength=" + (maxLength == null ? "unset" : maxLength)
                + ", padToMultipleOf=" + (padToMultipleOf == null ? "unset" : padToMultipleOf)
                + ", addSpecialTokens=" + addSpecialTokens
                + ", paddingSide=" + (paddingSide == null ? "tokenizer's" : paddingSide)
                + ", truncationSide=" + (truncationSide == null ? "tokenizer's" : truncationSide)
                + "}";
    }

    /** Builder for {@link EncodeOptions}; each setter checks its argument. */
    public static final class Builder {

        private PaddingStrategy padding = PaddingStrategy.DO_NOT_PAD;
        private TruncationStrategy truncation;
        private Integer maxLength;
        private Integer padToMultipleOf;
        private boolean addSpecialTokens = true;
        private Side paddingSide;
        private Side truncationSide;

        private Builder() {}

        /** Sets the padding strategy. */
        public Builder padding(PaddingStrategy padding) {
            this.padding = Objects.requireNonNull(padding, "padding");
            return this;
        }

        /**
         * Turns truncation on ({@link TruncationStrategy#LONGEST_FIRST}) or off, as HuggingFace's
         * {@code truncation=True} and {@code truncation=False}.
         */
        public Builder truncation(boolean truncation) {
            this.truncation = truncation ? TruncationStrategy.LONGEST_FIRST : TruncationStrategy.DO_NOT_TRUNCATE;
            return this;
        }

        /** Sets the truncation strategy. */
        public Builder truncation(TruncationStrategy truncation) {
            this.truncation = Objects.requireNonNull(truncation, "truncation");
            return this;
        }

        /**
         * Sets the maximum length in tokens, special tokens included, for truncation and for
         * {@link PaddingStrategy#MAX_LENGTH} padding.
         *
         * @throws IllegalArgumentException if {@code maxLength} is not positive
         */
        public Builder maxLength(int maxLength) {
            if (maxLength <= 0) {
                throw new IllegalArgumentException("maxLength must be positive, but is " + maxLength);
            }
            this.maxLength = maxLength;
            return this;
        }

        /**
         * Rounds padded lengths up to a multiple of {@code multiple}, which lets GPU kernels use
         * aligned shapes. It has no effect without padding.
         *
         * @throws IllegalArgumentException if {@code multiple} is not positive
         */
        public Builder padToMultipleOf(int multiple) {
            if (multiple <= 0) {
                throw new IllegalArgumentException("padToMultipleOf must be positive, but is " + multiple);
            }
            this.padToMultipleOf = multiple;
            return this;
        }

        /** Sets whether the post-processor adds the model's special tokens; the default is true. */
        public Builder addSpecialTokens(boolean addSpecialTokens) {
            this.addSpecialTokens = addSpecialTokens;
            return this;
        }

        /** Overrides the tokenizer's {@code padding_side} for this call. */
        public Builder paddingSide(Side side) {
            this.paddingSide = Objects.requireNonNull(side, "paddingSide");
            return this;
        }

        /** Overrides the tokenizer's {@code truncation_side} for this call. */
        public Builder truncationSide(Side side) {
            this.truncationSide = Objects.requireNonNull(side, "truncationSide");
            return this;
        }

        /** Returns the options. */
        public EncodeOptions build() {
            return new EncodeOptions(this);
        }
    }
}
