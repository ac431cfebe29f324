package dev.sparkformers.pipelines;

import dev.sparkformers.testing.Golden;
import dev.sparkformers.testing.TestCheckpoints;
import dev.sparkformers.tokenization.Encoding;

import java.util.ArrayList;
import java.util.List;

/**
 * The input rows of a golden fixture's reference case as unpadded encodings, so that a pipeline's
 * forward stage runs on exactly the ids HuggingFace ran on.
 */
final class GoldenEncodings {

    private GoldenEncodings() {}

    /**
     * The rows of {@code <prefix>.input_ids} without their padding ({@code <prefix>.attention_mask}
     * is 0 there), with token strings of the word-level test tokenizer.
     */
    static List<Encoding> rows(Golden golden, String prefix, int maskId) {
        long[] shape = golden.tensor(prefix + ".input_ids").shape();
        long[] ids = golden.tensor(prefix + ".input_ids").toLongArray();
        long[] mask = golden.tensor(prefix + ".attention_mask").toLongArray();
        int rows = (int) shape[0];
        int columns = (int) shape[1];
        List<Encoding> encodings = new ArrayList<>(rows);
        for (int row = 0; row < rows; row++) {
            List<Long> kept = new ArrayList<>();
            for (int column = 0; column < columns; column++) {
                if (mask[row * columns + column] == 1) {
                    kept.add(ids[row * columns + column]);
                }
            }
            int length = kept.size();
            long[] rowIds = kept.stream().mapToLong(Long::longValue).toArray();
            long[] ones = new long[length];
            java.util.Arrays.fill(ones, 1);
            String[] tokens = new String[length];
            for (int i = 0; i < length; i++) {
                tokens[i] = TestCheckpoints.wordLevelToken((int) rowIds[i], 1000, maskId);
            }
            encodings.add(new Encoding(rowIds, new long[length], ones, new long[length], tokens, length, false));
        }
        return encodings;
    }

    /** Row {@code row} of a {@code [rows, width]} float tensor. */
    static float[] row(Golden golden, String name, int row) {
        long[] shape = golden.tensor(name).shape();
        float[] all = golden.tensor(name).toFloatArray();
        int width = (int) (all.length / shape[0]);
        float[] values = new float[width];
        System.arraycopy(all, row * width, values, 0, width);
        return values;
    }
}
