package dev.sparkformers.tokenization;

import java.util.Locale;

/**
 * The end of a sequence where padding is added or where truncation removes tokens, as in
 * HuggingFace's {@code padding_side} and {@code truncation_side} ({@code "left"} or
 * {@code "right"}).
 */
public enum Side {
    /** The start of the sequence. GPT-2 batches for generation are padded on the left. */
    LEFT,
    /** The end of the sequence, HuggingFace's default for both padding and truncation. */
    RIGHT;

    /**
     * Parses a {@code tokenizer_config.json} value.
     *
     * @param value {@code "left"} or {@code "right"}, in any case
     * @throws IllegalArgumentException if the value is neither
     */
    public static Side fromConfigValue(String value) {
        if (value != null) {
            switch (value.toLowerCase(Locale.ROOT)) {
                case "left":
                    return LEFT;
                case "right":
                    return RIGHT;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("side must be 'left' or 'right', but is " + quote(value));
    }

    /** Returns the {@code tokenizer_config.json} spelling: {@code "left"} or {@code "right"}. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static String quote(String value) {
        return value == null ? "null" : "'" + value + "'";
    }
}
