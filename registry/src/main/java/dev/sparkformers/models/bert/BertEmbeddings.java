package dev.sparkformers.models.bert;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import dev.sparkformers.nn.Embedding;
import dev.sparkformers.nn.LayerNorm;
import dev.sparkformers.nn.Module;

/**
 * Word, position and token-type embeddings, summed and layer-normalised.
 *
 * <p>Input ids {@code [batch, seq]}; output {@code [batch, seq, hidden]}. Positions default to
 * {@code 0 .. seq-1} and token types to zeros, as HuggingFace's registered buffers give.
 */
public class BertEmbeddings extends Module {

    private final Embedding wordEmbeddings;
    private final Embedding positionEmbeddings;
    private final Embedding tokenTypeEmbeddings;
    private final LayerNorm layerNorm;

    public BertEmbeddings(BertConfig config) {
        this.wordEmbeddings = registerModule("word_embeddings", new Embedding(config.vocabSize(), config.hiddenSize()));
        this.positionEmbeddings = registerModule("position_embeddings",
                new Embedding(config.maxPositionEmbeddings(), config.hiddenSize()));
        this.tokenTypeEmbeddings = registerModule("token_type_embeddings",
                new Embedding(config.typeVocabSize(), config.hiddenSize()));
        this.layerNorm = registerModule("LayerNorm", new LayerNorm(config.hiddenSize(), config.layerNormEps()));
        registerBufferName("position_ids");
        registerBufferName("token_type_ids");
    }

    /**
     * @param inputIds {@code [batch, seq]}
     * @param tokenTypeIds {@code [batch, seq]}, or null for zeros
     * @param positionIds {@code [batch, seq]}, or null for {@code 0 .. seq-1}
     */
    public NDArray forward(NDArray inputIds, NDArray tokenTypeIds, NDArray positionIds) {
        long seqLength = inputIds.getShape().get(1);
        checkIds("input_ids", inputIds, wordEmbeddings.numEmbeddings(), "the tokenizer does not match the model");
        if (seqLength > positionEmbeddings.numEmbeddings()) {
            throw new IllegalArgumentException("Sequence length " + seqLength + " exceeds max_position_embeddings "
                    + positionEmbeddings.numEmbeddings() + "; truncate inputs to at most that many tokens");
        }
        NDManager manager = inputIds.getManager();
        NDArray positions = positionIds != null ? positionIds
                : manager.arange(0, (int) seqLength, 1, DataType.INT64).expandDims(0);
        NDArray tokenTypes = tokenTypeIds != null ? tokenTypeIds : inputIds.zerosLike();
        checkIds("token_type_ids", tokenTypes, tokenTypeEmbeddings.numEmbeddings(), "check type_vocab_size");

        NDArray embeddings = wordEmbeddings.forward(inputIds).add(tokenTypeEmbeddings.forward(tokenTypes));
        embeddings = embeddings.add(positionEmbeddings.forward(positions));
        return layerNorm.forward(embeddings);
    }

    /** Fails with a message instead of a native index error when ids fall outside a table. */
    static void checkIds(String name, NDArray ids, long tableSize, String hint) {
        if (ids.size() == 0) {
            return;
        }
        long min = ids.min().getLong();
        long max = ids.max().getLong();
        if (min < 0 || max >= tableSize) {
            throw new IllegalArgumentException(name + " holds ids in [" + min + ", " + max + "], outside [0, "
                    + tableSize + "); " + hint);
        }
    }

    public Embedding wordEmbeddings() {
        return wordEmbeddings;
    }
}
