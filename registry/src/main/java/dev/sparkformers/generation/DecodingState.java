package dev.sparkformers.generation;

import java.util.Arrays;

/** Row operations on the sequences and attention masks that decoding grows one column per step. */
final class DecodingState {

    private DecodingState() {}

    /** Returns each row of {@code rows} followed by its value in {@code column}. */
    static long[][] append(long[][] rows, long[] column) {
        long[][] grown = new long[rows.length][];
        for (int row = 0; row < rows.length; row++) {
            grown[row] = Arrays.copyOf(rows[row], rows[row].length + 1);
            grown[row][rows[row].length] = column[row];
        }
        return grown;
    }

    /** Returns each row of {@code rows} followed by {@code value}. */
    static long[][] append(long[][] rows, long value) {
        long[] column = new long[rows.length];
        Arrays.fill(column, value);
        return append(rows, column);
    }

    /** Returns the rows named by {@code order}, copied. */
    static long[][] select(long[][] rows, int[] order) {
        long[][] selected = new long[order.length][];
        for (int i = 0; i < order.length; i++) {
            selected[i] = rows[order[i]].clone();
        }
        return selected;
    }

    /** Repeats every row {@code times} times in place, as {@code repeat_interleave} on dimension 0 does. */
    static long[][] repeatInterleave(long[][] rows, int times) {
        long[][] repeated = new long[rows.length * times][];
        for (int row = 0; row < rows.length; row++) {
            for (int copy = 0; copy < times; copy++) {
                repeated[row * times + copy] = rows[row].clone();
            }
        }
        return repeated;
    }

    /** Returns a deep copy of {@code scores}. */
    static float[][] copy(float[][] scores) {
        float[][] copy = new float[scores.length][];
        for (int row = 0; row < scores.length; row++) {
            copy[row] = scores[row].clone();
        }
        return copy;
    }

    /** ORs the verdicts of every criterion per row. */
    static boolean[] isDone(Iterable<StoppingCriteria> criteria, long[][] sequences) {
        boolean[] done = new boolean[sequences.length];
        for (StoppingCriteria criterion : criteria) {
            boolean[] verdict = criterion.isDone(sequences);
            for (int row = 0; row < done.length; row++) {
                done[row] |= verdict[row];
            }
        }
        return done;
    }
}
