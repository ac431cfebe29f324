package dev.sparkformers.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

class TokenBudgetBatcherTest {

    @Test
    void batchesRespectBudgetAndCoverEveryRowOnce() {
        Random random = new Random(7);
        int[] lengths = random.ints(1000, 1, 300).toArray();
        TokenBudgetBatcher batcher = new TokenBudgetBatcher(2048, 64);
        List<int[]> batches = batcher.batches(lengths);

        boolean[] seen = new boolean[lengths.length];
        for (int[] batch : batches) {
            int longest = Arrays.stream(batch).map(i -> lengths[i]).max().orElseThrow();
            assertTrue(batch.length <= 64, "batch of " + batch.length + " rows");
            assertTrue(batch.length == 1 || (long) longest * batch.length <= 2048,
                    "batch of " + batch.length + " rows x " + longest + " tokens exceeds the budget");
            for (int row : batch) {
                assertTrue(!seen[row], "row " + row + " appears twice");
                seen[row] = true;
            }
        }
        for (int row = 0; row < seen.length; row++) {
            assertTrue(seen[row], "row " + row + " is in no batch");
        }
    }

    @Test
    void rowsAreSortedLongestFirst() {
        List<int[]> batches = new TokenBudgetBatcher(10, 10).batches(new int[] {1, 5, 3, 5, 2});
        assertArrayEquals(new int[] {1, 3}, batches.get(0));
        assertArrayEquals(new int[] {2, 4, 0}, batches.get(1));
    }

    @Test
    void rowLongerThanBudgetRunsAlone() {
        List<int[]> batches = new TokenBudgetBatcher(100, 8).batches(new int[] {500, 10, 10});
        assertArrayEquals(new int[] {0}, batches.get(0));
        assertEquals(2, batches.get(1).length);
    }

    @Test
    void emptyChunkHasNoBatches() {
        assertTrue(new TokenBudgetBatcher(100, 8).batches(new int[0]).isEmpty());
    }

    @Test
    void invalidSettingsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new TokenBudgetBatcher(0, 8));
        assertThrows(IllegalArgumentException.class, () -> new TokenBudgetBatcher(8, 0));
    }
}
