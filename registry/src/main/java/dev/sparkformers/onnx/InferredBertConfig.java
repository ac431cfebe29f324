package dev.sparkformers.onnx;

/**
 * The {@code BertConfig} fields that an exported graph determines.
 *
 * @param vocabSize rows of the word embedding matrix
 * @param hiddenSize columns of the word embedding matrix
 * @param numHiddenLayers number of {@code encoder.layer.N} blocks
 * @param numAttentionHeads heads per self-attention, from the head-splitting Reshape
 * @param intermediateSize output size of the feed-forward intermediate projection
 * @param hiddenAct the feed-forward activation's {@code transformers} name, for example {@code gelu}
 * @param maxPositionEmbeddings rows of the position embedding matrix
 * @param typeVocabSize rows of the token type embedding matrix
 * @param layerNormEps the LayerNorm epsilon, as the shortest decimal that rounds to the stored value
 * @param torchDtype the weights' dtype in {@code torch} terms, for example {@code float32}
 */
public record InferredBertConfig(int vocabSize, int hiddenSize, int numHiddenLayers, int numAttentionHeads,
        int intermediateSize, String hiddenAct, int maxPositionEmbeddings, int typeVocabSize, double layerNormEps,
        String torchDtype) {}
