package dev.sparkformers.tokenization;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import java.util.List;
import java.util.Objects;

/**
 * The encodings of a batch of texts after truncation and padding, as HuggingFace's
 * {@code BatchEncoding}: {@code input_ids}, {@code attention_mask} and {@code token_type_ids} as
 * {@code long[batch][seq]}, plus each row's length before truncation.
 *
 * <p>Rows have equal lengths when the call padded ({@link PaddingStrategy#LONGEST}, or
 * {@link PaddingStrategy#MAX_LENGTH} with truncation). Without padding they keep their own
 * lengths, as in HuggingFace, and {@link #toNDList} rejects them. The row arrays are shared with
 * {@link #encodings()} and are not copied, so callers must not modify them. Instances are
 * immutable apart from that and may be shared between threads.
 */
public final class BatchEncoding {

    /** Model input name of the token ids. */
    public static final String INPUT_IDS = "input_ids";

    /** Model input name of the attention mask. */
    public static final String ATTENTION_MASK = "attention_mask";

    /** Model input name of the segment ids. */
    public static final String TOKEN_TYPE_IDS = "token_type_ids";

    private final List<Encoding> encodings;
    private final long[][] inputIds;
    private final long[][] attentionMask;
    private final long[][] tokenTypeIds;

    /**
     * Creates a batch from encodings in row order.
     *
     * @param encodings one encoding per row
     */
    public BatchEncoding(List<Encoding> encodings) {
        this.encodings = List.copyOf(Objects.requireNonNull(encodings, "encodings"));
        int batchSize = this.encodings.size();
        this.inputIds = new long[batchSize][];
        this.attentionMask = new long[batchSize][];
        this.tokenTypeIds = new long[batchSize][];
        for (int row = 0; row < batchSize; row++) {
            Encoding encoding = this.encodings.get(row);
            inputIds[row] = encoding.inputIds();
            attentionMask[row] = encoding.attentionMask();
            tokenTypeIds[row] = encoding.tokenTypeIds();
        }
    }

    /** Returns the number of rows. */
    public int size() {
        return encodings.size();
    }

    /** Returns the per-row encodings, with token strings and special-token masks. */
    public List<Encoding> encodings() {
        return encodings;
    }

    /** Returns the encoding of one row. */
    public Encoding encoding(int row) {
        return encodings.get(row);
    }

    /** Returns the token ids, one array per row. */
    public long[][] inputIds() {
        return inputIds.clone();
    }

    /** Returns the attention masks (1 for real tokens, 0 for padding), one array per row. */
    public long[][] attentionMask() {
        return attentionMask.clone();
    }

    /** Returns the segment ids, one array per row. */
    public long[][] tokenTypeIds() {
        return tokenTypeIds.clone();
    }

    /** Returns each row's number of tokens before truncation, special tokens counted, padding not. */
    public int[] lengthsBeforeTruncation() {
        int[] lengths = new int[encodings.size()];
        for (int row = 0; row < lengths.length; row++) {
            lengths[row] = encodings.get(row).lengthBeforeTruncation();
        }
        return lengths;
    }

    /** Returns, for each row, whether truncation removed tokens from it. */
    public boolean[] truncated() {
        boolean[] truncated = new boolean[encodings.size()];
        for (int row = 0; row < truncated.length; row++) {
            truncated[row] = encodings.get(row).truncated();
        }
        return truncated;
    }

    /** Returns the number of rows that truncation shortened. */
    public int truncatedCount() {
        int count = 0;
        for (Encoding encoding : encodings) {
            if (encoding.truncated()) {
                count++;
            }
        }
        return count;
    }

    /** Returns whether all rows have the same length, so that the batch forms a matrix. */
    public boolean isRectangular() {
        for (Encoding encoding : encodings) {
            if (encoding.length() != encodings.get(0).length()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Returns the common row length.
     *
     * @throws IllegalStateException if rows have different lengths
     */
    public int sequenceLength() {
        checkRectangular();
        return encodings.isEmpty() ? 0 : encodings.get(0).length();
    }

    /**
     * Builds {@code input_ids}, {@code attention_mask} and {@code token_type_ids}, in that order, as
     * int64 arrays of shape {@code [batch, seq]} on {@code manager}, each named by its model input
     * name. The caller owns the arrays through {@code manager}.
     *
     * @throws IllegalStateException if rows have different lengths
     */
    public NDList toNDList(NDManager manager) {
        return new NDList(toNDArray(manager, INPUT_IDS), toNDArray(manager, ATTENTION_MASK),
                toNDArray(manager, TOKEN_TYPE_IDS));
    }

    /**
     * Builds one model input as an int64 array of shape {@code [batch, seq]} on {@code manager}.
     *
     * @param inputName {@value #INPUT_IDS}, {@value #ATTENTION_MASK} or {@value #TOKEN_TYPE_IDS}
     * @throws IllegalArgumentException if the name is not one of those
     * @throws IllegalStateException if rows have different lengths
     */
    public NDArray toNDArray(NDManager manager, String inputName) {
        Objects.requireNonNull(manager, "manager");
        long[][] rows = rowsOf(inputName);
        int sequenceLength = sequenceLength();

        // [batch, seq] row-major, the layout that NDManager.create expects.
        long[] flat = new long[Math.multiplyExact(rows.length, sequenceLength)];
        for (int row = 0; row < rows.length; row++) {
            System.arraycopy(rows[row], 0, flat, row * sequenceLength, sequenceLength);
        }
        NDArray array = manager.create(flat, new Shape(rows.length, sequenceLength));
        array.setName(inputName);
        return array;
    }

    private long[][] rowsOf(String inputName) {
        switch (Objects.requireNonNull(inputName, "inputName")) {
            case INPUT_IDS:
                return inputIds;
            case ATTENTION_MASK:
                return attentionMask;
            case TOKEN_TYPE_IDS:
                return tokenTypeIds;
            default:
                throw new IllegalArgumentException("unknown model input '" + inputName + "'; expected "
                        + INPUT_IDS + ", " + ATTENTION_MASK + " or " + TOKEN_TYPE_IDS);
        }
    }

    private void checkRectangular() {
        if (isRectangular()) {
            return;
        }
        int shortest = Integer.MAX_VALUE;
        int longest = 0;
        for (Encoding encoding : encodings) {
            shortest = Math.min(shortest, encoding.length());
            longest = Math.max(longest, encoding.length());
        }
        throw new IllegalStateException("rows of this batch have different lengths (" + shortest + " to "
                + longest + " tokens), so they do not form a [batch, seq] tensor; encode with padding "
                + "LONGEST, or with MAX_LENGTH padding and truncation on");
    }
}
