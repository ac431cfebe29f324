package dev.sparkformers.tokenization;

/**
 * The padding and truncation of one encode call after transformers' rules have filled in what the
 * call left open ({@code PreTrainedTokenizerBase._get_padding_truncation_strategies}).
 *
 * @param padding the padding strategy; {@code MAX_LENGTH} always comes with a {@code maxLength}
 * @param truncation the truncation strategy; anything but {@code DO_NOT_TRUNCATE} comes with a
 *     {@code maxLength}
 * @param maxLength the length for truncation and {@code MAX_LENGTH} padding, or null
 * @param padToMultipleOf the multiple padded lengths are rounded up to, or null
 * @param paddingSide where padding goes
 * @param truncationSide where truncation removes tokens
 * @param addSpecialTokens whether the post-processor adds special tokens
 */
record PaddingTruncationPlan(
        PaddingStrategy padding,
        TruncationStrategy truncation,
        Integer maxLength,
        Integer padToMultipleOf,
        Side paddingSide,
        Side truncationSide,
        boolean addSpecialTokens) {

    /**
     * Resolves the options of a call as transformers does.
     *
     * @param options the call's options
     * @param config the tokenizer's settings: model_max_length and the default sides
     * @param hasPadToken whether the tokenizer has a pad token with an id
     * @param specialTokensToAdd how many special tokens the post-processor adds to this kind of
     *     input (single text or pair)
     * @param warnings where to log transformers' warnings, once each
     * @throws IllegalStateException if padding is requested and the tokenizer has no pad token
     * @throws IllegalArgumentException if truncation and padding are both on and
     *     {@code maxLength} is not a multiple of {@code padToMultipleOf}, or if {@code maxLength}
     *     leaves no room for the special tokens
     */
    static PaddingTruncationPlan resolve(EncodeOptions options, TokenizerConfig config, boolean hasPadToken,
            int specialTokensToAdd, WarnOnce warnings) {
        PaddingStrategy padding = options.padding();
        Integer maxLength = options.maxLength().isPresent() ? options.maxLength().getAsInt() : null;
        Integer padToMultipleOf = options.padToMultipleOf().isPresent() ? options.padToMultipleOf().getAsInt() : null;

        // An unset truncation with a maxLength and no padding means LONGEST_FIRST, with a warning.
        TruncationStrategy truncation = options.truncation().orElse(null);
        if (truncation == null) {
            if (maxLength != null && padding == PaddingStrategy.DO_NOT_PAD) {
                warnings.warn("truncation-not-explicit", "truncation was not set but maxLength was; truncating "
                        + "with LONGEST_FIRST. Set truncation explicitly to silence this warning");
                truncation = TruncationStrategy.LONGEST_FIRST;
            } else {
                truncation = TruncationStrategy.DO_NOT_TRUNCATE;
            }
        }
        if (padding == PaddingStrategy.LONGEST && maxLength != null
                && truncation == TruncationStrategy.DO_NOT_TRUNCATE) {
            warnings.warn("max-length-ignored", "maxLength is ignored when padding is LONGEST and truncation is "
                    + "off; to pad to maxLength, use MAX_LENGTH padding");
        }

        // Without maxLength, MAX_LENGTH padding and truncation use model_max_length; a tokenizer
        // without one gets neither, with a warning, as in transformers.
        if (maxLength == null) {
            if (padding == PaddingStrategy.MAX_LENGTH) {
                if (config.hasModelMaxLength()) {
                    maxLength = config.modelMaxLength();
                } else {
                    warnings.warn("pad-to-unbounded", "MAX_LENGTH padding was requested without maxLength and the "
                            + "tokenizer has no model_max_length; not padding");
                    padding = PaddingStrategy.DO_NOT_PAD;
                }
            }
            if (truncation != TruncationStrategy.DO_NOT_TRUNCATE) {
                if (config.hasModelMaxLength()) {
                    maxLength = config.modelMaxLength();
                } else {
                    warnings.warn("truncate-to-unbounded", "truncation was requested without maxLength and the "
                            + "tokenizer has no model_max_length; not truncating");
                    truncation = TruncationStrategy.DO_NOT_TRUNCATE;
                }
            }
        }

        if (padding != PaddingStrategy.DO_NOT_PAD && !hasPadToken) {
            throw new IllegalStateException("padding was requested but the tokenizer has no pad token. Set one when "
                    + "loading, for example AutoTokenizer.fromPretrained(dir, Map.of(\"pad_token\", eosToken)), "
                    + "or encode without padding");
        }
        if (truncation != TruncationStrategy.DO_NOT_TRUNCATE && padding != PaddingStrategy.DO_NOT_PAD
                && padToMultipleOf != null && maxLength % padToMultipleOf != 0) {
            throw new IllegalArgumentException("truncation and padding are both on, but the truncation length "
                    + maxLength + " is not a multiple of padToMultipleOf " + padToMultipleOf
                    + "; choose a maxLength that is a multiple of it");
        }

        // The native library subtracts the special tokens from maxLength with unsigned arithmetic,
        // so a smaller maxLength would silently disable truncation instead of failing.
        if (truncation != TruncationStrategy.DO_NOT_TRUNCATE && options.addSpecialTokens()
                && maxLength < specialTokensToAdd) {
            throw new IllegalArgumentException("maxLength " + maxLength + " is smaller than the " + specialTokensToAdd
                    + " special tokens that this tokenizer adds to this input; use a maxLength of at least "
                    + specialTokensToAdd);
        }

        return new PaddingTruncationPlan(padding, truncation, maxLength, padToMultipleOf,
                options.paddingSide().orElse(config.paddingSide()),
                options.truncationSide().orElse(config.truncationSide()),
                options.addSpecialTokens());
    }

    /** Returns the native truncation setting, or null when this plan does not truncate. */
    NativeTokenizer.Truncation nativeTruncation() {
        if (truncation == TruncationStrategy.DO_NOT_TRUNCATE) {
            return null;
        }
        return new NativeTokenizer.Truncation(maxLength, truncation, truncationSide);
    }
}
