package dev.sparkformers.tokenization;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Pads encodings as the native library's {@code pad_encodings} does: to the longest row or to
 * {@code maxLength}, rounded up to {@code padToMultipleOf}, on the chosen side. Rows that are
 * already long enough are left as they are. Padding positions get the pad token and its id,
 * segment id 0 (transformers' {@code pad_token_type_id}), attention mask 0 and special-tokens
 * mask 1.
 */
final class Padding {

    private Padding() {}

    /**
     * Pads every row according to the plan.
     *
     * @param padTokenId the pad token's id; used only when the plan pads
     * @param padToken the pad token; used only when the plan pads
     */
    static List<Encoding> pad(List<Encoding> rows, PaddingTruncationPlan plan, long padTokenId, String padToken) {
        if (plan.padding() == PaddingStrategy.DO_NOT_PAD || rows.isEmpty()) {
            return rows;
        }

        int length = plan.padding() == PaddingStrategy.MAX_LENGTH
                ? plan.maxLength()
                : rows.stream().mapToInt(Encoding::length).max().orElse(0);
        Integer multiple = plan.padToMultipleOf();
        if (multiple != null && length % multiple != 0) {
            length = Math.addExact(length, multiple - length % multiple);
        }

        List<Encoding> padded = new ArrayList<>(rows.size());
        for (Encoding row : rows) {
            padded.add(padRow(row, length, plan.paddingSide(), padTokenId, padToken));
        }
        return padded;
    }

    private static Encoding padRow(Encoding row, int length, Side side, long padTokenId, String padToken) {
        int padCount = length - row.length();
        if (padCount <= 0) {
            return row;
        }
        int offset = side == Side.LEFT ? padCount : 0;
        int padStart = side == Side.LEFT ? 0 : row.length();

        long[] ids = place(row.inputIds(), length, offset, padStart, padCount, padTokenId);
        long[] typeIds = place(row.tokenTypeIds(), length, offset, padStart, padCount, 0);
        long[] attentionMask = place(row.attentionMask(), length, offset, padStart, padCount, 0);
        long[] specialTokensMask = place(row.specialTokensMask(), length, offset, padStart, padCount, 1);

        String[] tokens = new String[length];
        System.arraycopy(row.tokens(), 0, tokens, offset, row.length());
        Arrays.fill(tokens, padStart, padStart + padCount, padToken);

        return new Encoding(ids, typeIds, attentionMask, specialTokensMask, tokens, row.lengthBeforeTruncation(),
                row.truncated());
    }

    private static long[] place(long[] values, int length, int offset, int padStart, int padCount, long padValue) {
        long[] result = new long[length];
        System.arraycopy(values, 0, result, offset, values.length);
        Arrays.fill(result, padStart, padStart + padCount, padValue);
        return result;
    }
}
