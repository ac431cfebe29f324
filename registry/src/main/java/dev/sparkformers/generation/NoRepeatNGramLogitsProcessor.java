package dev.sparkformers.generation;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Forbids any n-gram from occurring twice in a sequence, HuggingFace's
 * {@code NoRepeatNGramLogitsProcessor}: a token that would complete an n-gram already present
 * anywhere in the row, prompt included, gets {@code -Infinity}.
 */
public final class NoRepeatNGramLogitsProcessor implements LogitsProcessor {

    private final int ngramSize;

    /** @throws IllegalArgumentException unless {@code ngramSize} is positive */
    public NoRepeatNGramLogitsProcessor(int ngramSize) {
        if (ngramSize <= 0) {
            throw new IllegalArgumentException("`ngram_size` has to be a strictly positive integer, but is "
                    + ngramSize);
        }
        this.ngramSize = ngramSize;
    }

    @Override
    public void process(long[][] inputIds, float[][] scores) {
        for (int row = 0; row < scores.length; row++) {
            long[] tokens = inputIds[row];
            int length = tokens.length;
            if (length + 1 < ngramSize) {
                continue;
            }
            // Each (n-1)-token prefix maps to the tokens that followed it.
            Map<List<Long>, List<Long>> followers = new HashMap<>();
            for (int start = 0; start + ngramSize <= length; start++) {
                List<Long> prefix = prefix(tokens, start, start + ngramSize - 1);
                followers.computeIfAbsent(prefix, key -> new ArrayList<>()).add(tokens[start + ngramSize - 1]);
            }
            List<Long> current = prefix(tokens, length + 1 - ngramSize, length);
            for (long banned : followers.getOrDefault(current, List.of())) {
                scores[row][Math.toIntExact(banned)] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    private static List<Long> prefix(long[] tokens, int from, int to) {
        return Arrays.stream(tokens, from, to).boxed().toList();
    }

    @Override
    public String toString() {
        return "NoRepeatNGramLogitsProcessor(ngram_size=" + ngramSize + ")";
    }
}
