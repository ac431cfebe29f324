package dev.sparkformers.generation;

import java.util.Arrays;

/**
 * Stops every row once the sequences reach {@code max_length} tokens, prompt included,
 * HuggingFace's {@code MaxLengthCriteria}.
 */
public final class MaxLengthCriteria implements StoppingCriteria {

    private final int maxLength;

    public MaxLengthCriteria(int maxLength) {
        this.maxLength = maxLength;
    }

    public int maxLength() {
        return maxLength;
    }

    @Override
    public boolean[] isDone(long[][] inputIds) {
        boolean[] done = new boolean[inputIds.length];
        Arrays.fill(done, inputIds.length > 0 && inputIds[0].length >= maxLength);
        return done;
    }
}
