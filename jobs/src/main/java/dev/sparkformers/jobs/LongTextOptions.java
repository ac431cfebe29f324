package dev.sparkformers.jobs;

import picocli.CommandLine.Option;

/** The command-line options for long texts that embed and classify share. */
final class LongTextOptions {

    @Option(names = "--chunk-long-texts",
            description = "Process a text longer than the maximum length in windows and combine the window results,"
                    + " instead of truncating it. Embed averages the window embeddings (normalised again when the"
                    + " model normalises); classify combines the window scores by --chunk-aggregation.")
    boolean chunkLongTexts;

    @Option(names = "--chunk-window", paramLabel = "N",
            description = "With --chunk-long-texts: tokens per window, special tokens included, at most the maximum"
                    + " length. Default: the maximum length.")
    Integer window;

    @Option(names = "--chunk-stride", paramLabel = "N",
            description = "With --chunk-long-texts: tokens that consecutive windows share (HuggingFace's stride),"
                    + " less than the window minus its special tokens. Default: 0.")
    Integer stride;

    /** Builds the settings, with {@code aggregation} for a classifier's window scores or null. */
    LongTextChunking chunking(String aggregation) {
        return new LongTextChunking(chunkLongTexts, window, stride, aggregation);
    }
}
