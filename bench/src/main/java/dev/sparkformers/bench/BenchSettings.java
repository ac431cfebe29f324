package dev.sparkformers.bench;

import java.nio.file.Path;

/**
 * What every phase of a benchmark run shares.
 *
 * @param corpus JSON lines with {@code id} and {@code text}
 * @param workDirectory where phases write their output
 * @param threads cores to use: Spark task slots, forward-loop workers, ONNX Runtime intra-op threads
 * @param batchTokens padded tokens per model call in the token-budget phases
 * @param maxBatchSize rows per model call in the token-budget phases
 * @param chunkRows rows sorted and batched together in the token-budget phases
 */
record BenchSettings(Path corpus, Path workDirectory, int threads, int batchTokens, int maxBatchSize, int chunkRows) {

    String[] toArguments() {
        return new String[] {corpus.toString(), workDirectory.toString(), Integer.toString(threads),
            Integer.toString(batchTokens), Integer.toString(maxBatchSize), Integer.toString(chunkRows)};
    }

    static BenchSettings fromArguments(String[] arguments, int offset) {
        return new BenchSettings(Path.of(arguments[offset]), Path.of(arguments[offset + 1]),
                Integer.parseInt(arguments[offset + 2]), Integer.parseInt(arguments[offset + 3]),
                Integer.parseInt(arguments[offset + 4]), Integer.parseInt(arguments[offset + 5]));
    }
}
