package dev.sparkformers.udfs;

import java.io.Serializable;

/**
 * How a task reads and batches its partition.
 *
 * @param chunkRows rows read, sorted and batched together; bounds the rows held in memory
 * @param batchTokens padded tokens per model call
 * @param maxBatchSize rows per model call
 */
public record PartitionSettings(int chunkRows, int batchTokens, int maxBatchSize) implements Serializable {

    private static final long serialVersionUID = 1L;

    /** 1024 rows per chunk, 8192 padded tokens and at most 256 rows per batch. */
    public static PartitionSettings defaults() {
        return new PartitionSettings(1024, 8192, 256);
    }

    public PartitionSettings {
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be at least 1, but is " + chunkRows);
        }
        if (batchTokens < 1) {
            throw new IllegalArgumentException("batchTokens must be at least 1, but is " + batchTokens);
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be at least 1, but is " + maxBatchSize);
        }
    }
}
