package dev.sparkformers.pipelines;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Cuts a chunk of tokenized rows into batches whose padded size fits a token budget.
 *
 * <p>Rows are sorted by length, longest first, so that each batch holds rows of similar length
 * and little padding. A batch costs {@code rows x longest row} tokens; a row is added while that
 * product stays within {@code batchTokens} and the batch has fewer than {@code maxBatchSize} rows.
 * A row longer than the budget gets a batch of its own. Sorting longest first also makes the
 * largest batch run first, so a batch that does not fit in memory fails early.
 */
public final class TokenBudgetBatcher {

    private final int batchTokens;
    private final int maxBatchSize;

    /**
     * @param batchTokens padded tokens per batch, at least 1
     * @param maxBatchSize rows per batch, at least 1
     */
    public TokenBudgetBatcher(int batchTokens, int maxBatchSize) {
        if (batchTokens < 1) {
            throw new IllegalArgumentException("batchTokens must be at least 1, but is " + batchTokens);
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be at least 1, but is " + maxBatchSize);
        }
        this.batchTokens = batchTokens;
        this.maxBatchSize = maxBatchSize;
    }

    /**
     * Returns the batches as lists of row indexes into {@code lengths}; every index appears in
     * exactly one batch.
     *
     * @param lengths token count of each row, after truncation
     */
    public List<int[]> batches(int[] lengths) {
        Integer[] order = new Integer[lengths.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        // Stable sort: equal lengths keep their input order, which keeps results deterministic.
        Arrays.sort(order, Comparator.comparingInt((Integer i) -> lengths[i]).reversed());

        List<int[]> batches = new ArrayList<>();
        int start = 0;
        while (start < order.length) {
            int longest = Math.max(1, lengths[order[start]]);
            int end = start + 1;
            while (end < order.length && end - start < maxBatchSize
                    && (long) (end - start + 1) * longest <= batchTokens) {
                end++;
            }
            int[] batch = new int[end - start];
            for (int i = start; i < end; i++) {
                batch[i - start] = order[i];
            }
            batches.add(batch);
            start = end;
        }
        return batches;
    }

    public int batchTokens() {
        return batchTokens;
    }

    public int maxBatchSize() {
        return maxBatchSize;
    }
}
