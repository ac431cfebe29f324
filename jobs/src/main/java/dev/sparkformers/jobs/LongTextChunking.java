package dev.sparkformers.jobs;

import dev.sparkformers.pipelines.ChunkAggregation;
import dev.sparkformers.pipelines.TokenWindows;

import java.util.Map;

/**
 * The handling of texts longer than the model's maximum length: truncation, or sliding windows
 * that the pipeline combines (see {@link TokenWindows} and {@link ChunkAggregation}).
 *
 * @param enabled whether long texts are processed in windows instead of truncated
 * @param window tokens per window, special tokens included, or null for the maximum length
 * @param stride tokens shared by consecutive windows, or null for 0
 * @param aggregation {@code mean} or {@code max} for the class scores of a classifier's windows, or
 *     null for {@code mean}; embeddings are always averaged
 */
public record LongTextChunking(boolean enabled, Integer window, Integer stride, String aggregation) {

    /** Truncation, the default. */
    public static final LongTextChunking TRUNCATE = new LongTextChunking(false, null, null, null);

    /**
     * Checks the options that need no model; the pipeline checks the window against the model's
     * maximum length when the job runs.
     *
     * @throws IllegalArgumentException for a window option without {@code --chunk-long-texts} or
     *     invalid sizes, naming the command-line options
     */
    public LongTextChunking {
        if (!enabled && (window != null || stride != null || aggregation != null)) {
            throw new IllegalArgumentException("--chunk-window, --chunk-stride and --chunk-aggregation apply only with"
                    + " --chunk-long-texts; add it or remove them");
        }
        if (window != null && window < 1) {
            throw new IllegalArgumentException("--chunk-window must be positive, but is " + window);
        }
        if (stride != null && stride < 0) {
            throw new IllegalArgumentException("--chunk-stride must not be negative, but is " + stride);
        }
        if (window != null && stride != null && stride >= window) {
            throw new IllegalArgumentException("--chunk-stride " + stride + " must be smaller than --chunk-window "
                    + window + "; use a smaller stride or a larger window");
        }
        if (aggregation != null) {
            aggregation = ChunkAggregation.fromName(aggregation).name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Adds the pipeline call parameters of these settings to {@code parameters}.
     *
     * <p>TODO: check the window against the model's maximum length on the driver. Today a window
     * that is too large passes here and fails every task when the executors sanitize the parameters.
     */
    public void addTo(Map<String, String> parameters) {
        if (!enabled) {
            return;
        }
        parameters.put(TokenWindows.CHUNK_LONG_TEXTS, "true");
        if (window != null) {
            parameters.put(TokenWindows.CHUNK_WINDOW, window.toString());
        }
        if (stride != null) {
            parameters.put(TokenWindows.CHUNK_STRIDE, stride.toString());
        }
        if (aggregation != null) {
            parameters.put(ChunkAggregation.PARAMETER, aggregation);
        }
    }

    /**
     * Describes the settings for output metadata and settings fingerprints: {@code truncated}, or
     * {@code chunked} followed by the window, stride and aggregation that were set.
     */
    public String describe() {
        if (!enabled) {
            return "truncated";
        }
        StringBuilder description = new StringBuilder("chunked");
        if (window != null) {
            description.append(" window=").append(window);
        }
        if (stride != null) {
            description.append(" stride=").append(stride);
        }
        if (aggregation != null) {
            description.append(" aggregation=").append(aggregation);
        }
        return description.toString();
    }
}
