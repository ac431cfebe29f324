package dev.sparkformers.pipelines;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How token embeddings become one sentence embedding, with sentence-transformers' names. Every
 * mode reads only positions where the attention mask is 1, so left and right padding give the
 * same result.
 */
public enum PoolingMode {
    /** Mean of the token embeddings. */
    MEAN("mean"),
    /** The first real token ({@code [CLS]} for BERT). */
    CLS("cls"),
    /** Element-wise maximum over tokens. */
    MAX("max"),
    /** Sum of the token embeddings divided by the square root of the token count. */
    MEAN_SQRT_LEN_TOKENS("mean_sqrt_len_tokens"),
    /** The last real token, for decoder-style embedding models. */
    LAST_TOKEN("lasttoken");

    private final String configName;

    PoolingMode(String configName) {
        this.configName = configName;
    }

    /** The name in sentence-transformers' configs and on the command line. */
    public String configName() {
        return configName;
    }

    /**
     * Parses a mode name ({@code mean}, {@code cls}, ...), case-insensitively.
     *
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    public static PoolingMode fromName(String name) {
        String normalized = name.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (PoolingMode mode : values()) {
            if (mode.configName.equals(normalized) || mode.name().toLowerCase(Locale.ROOT).equals(normalized)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("Unknown pooling mode '" + name + "'; supported: "
                + Arrays.stream(values()).map(PoolingMode::configName).collect(Collectors.joining(", ")));
    }
}
