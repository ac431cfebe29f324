package dev.sparkformers.generation;

import java.util.List;

/** Stops a row whose last token is an end-of-sequence token, HuggingFace's {@code EosTokenCriteria}. */
public final class EosTokenCriteria implements StoppingCriteria {

    private final List<Integer> eosTokenIds;

    public EosTokenCriteria(List<Integer> eosTokenIds) {
        if (eosTokenIds.isEmpty()) {
            throw new IllegalArgumentException("EosTokenCriteria needs at least one end-of-sequence token id");
        }
        this.eosTokenIds = List.copyOf(eosTokenIds);
    }

    @Override
    public boolean[] isDone(long[][] inputIds) {
        boolean[] done = new boolean[inputIds.length];
        for (int row = 0; row < inputIds.length; row++) {
            long last = inputIds[row][inputIds[row].length - 1];
            done[row] = eosTokenIds.stream().anyMatch(eos -> eos == last);
        }
        return done;
    }
}
