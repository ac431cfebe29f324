package dev.sparkformers.onnx;

import java.util.OptionalInt;

/**
 * Settings of an ONNX import that the graph cannot supply.
 *
 * @param maxSeqLength {@code max_seq_length} for sentence_bert_config.json: the longest input, in
 *     tokens, that sentence-transformers feeds the model. Empty for the default, 256 or the model's
 *     {@code max_position_embeddings} if that is smaller. A value set here must not exceed
 *     {@code max_position_embeddings}.
 * @param normalizeEmbeddings whether modules.json ends with a {@code Normalize} module, so that
 *     sentence embeddings have unit length
 */
public record OnnxImportOptions(OptionalInt maxSeqLength, boolean normalizeEmbeddings) {

    /** The {@code max_seq_length} of sentence-transformers' all-MiniLM-L6-v2. */
    public static final int DEFAULT_MAX_SEQ_LENGTH = 256;

    /** Mean pooling over the default {@code max_seq_length}, then normalization, as all-MiniLM-L6-v2 is set up. */
    public static final OnnxImportOptions DEFAULTS = new OnnxImportOptions(OptionalInt.empty(), true);

    public OnnxImportOptions {
        if (maxSeqLength == null) {
            throw new NullPointerException("maxSeqLength is null; use OptionalInt.empty() for the default");
        }
        if (maxSeqLength.isPresent() && maxSeqLength.getAsInt() <= 0) {
            throw new IllegalArgumentException("maxSeqLength is " + maxSeqLength.getAsInt() + "; it must be positive");
        }
    }

    /** Returns these options with {@code max_seq_length} set to {@code tokens}. */
    public OnnxImportOptions withMaxSeqLength(int tokens) {
        return new OnnxImportOptions(OptionalInt.of(tokens), normalizeEmbeddings);
    }

    /** Returns these options with {@code normalizeEmbeddings} replaced. */
    public OnnxImportOptions withNormalizeEmbeddings(boolean normalize) {
        return new OnnxImportOptions(maxSeqLength, normalize);
    }

    /**
     * Returns the {@code max_seq_length} to write for a model with {@code maxPositionEmbeddings} positions.
     *
     * @throws IllegalArgumentException if the value set exceeds {@code maxPositionEmbeddings}
     */
    public int resolveMaxSeqLength(int maxPositionEmbeddings) {
        if (maxSeqLength.isEmpty()) {
            return Math.min(DEFAULT_MAX_SEQ_LENGTH, maxPositionEmbeddings);
        }
        int requested = maxSeqLength.getAsInt();
        if (requested > maxPositionEmbeddings) {
            throw new IllegalArgumentException("max_seq_length " + requested + " exceeds the model's"
                    + " max_position_embeddings " + maxPositionEmbeddings + "; choose at most " + maxPositionEmbeddings);
        }
        return requested;
    }
}
