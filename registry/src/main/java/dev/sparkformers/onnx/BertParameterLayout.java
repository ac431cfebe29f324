package dev.sparkformers.onnx;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The parameter names and shapes of HuggingFace's {@code BertModel} state dict, as
 * {@code transformers} names them. Linear weights are {@code [out, in]}, the {@code nn.Linear}
 * layout.
 */
final class BertParameterLayout {

    /** Key of the word embedding matrix {@code [vocab_size, hidden_size]}; what precedes it in an export is the model's prefix. */
    static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";

    static final String POSITION_EMBEDDINGS = "embeddings.position_embeddings.weight";

    static final String TOKEN_TYPE_EMBEDDINGS = "embeddings.token_type_embeddings.weight";

    /** Prefix of the keys of encoder layer {@code N}: {@code encoder.layer.N.}. */
    static final String LAYER_PREFIX = "encoder.layer.";

    /**
     * Buffers that {@code BertEmbeddings} registers with {@code persistent=False} in current
     * {@code transformers}, so they are not in a state dict even though an export may store them.
     */
    static final Set<String> NON_PERSISTENT_BUFFERS = Set.of("embeddings.position_ids", "embeddings.token_type_ids");

    /** Keys of the pooler, which an export of {@code last_hidden_state} alone leaves out. */
    static final List<String> POOLER_KEYS = List.of("pooler.dense.weight", "pooler.dense.bias");

    /** A state-dict key: dot-separated identifiers, as opposed to {@code onnx::MatMul_787} or {@code /embeddings/Constant}. */
    private static final Pattern STATE_DICT_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z0-9_]+)+");

    private BertParameterLayout() {}

    /** Returns whether an initializer name is a PyTorch state-dict key rather than a name the exporter made up. */
    static boolean isStateDictKey(String name) {
        return STATE_DICT_KEY.matcher(name).matches();
    }

    /** Returns every expected key with its shape, pooler excluded, in state-dict order. */
    static Map<String, long[]> expectedShapes(long vocabSize, long hiddenSize, int layers, long intermediateSize,
            long maxPositions, long typeVocabSize) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(WORD_EMBEDDINGS, new long[] {vocabSize, hiddenSize});
        shapes.put(POSITION_EMBEDDINGS, new long[] {maxPositions, hiddenSize});
        shapes.put(TOKEN_TYPE_EMBEDDINGS, new long[] {typeVocabSize, hiddenSize});
        shapes.put("embeddings.LayerNorm.weight", new long[] {hiddenSize});
        shapes.put("embeddings.LayerNorm.bias", new long[] {hiddenSize});
        for (int layer = 0; layer < layers; layer++) {
            String prefix = LAYER_PREFIX + layer + ".";
            for (String projection : List.of("attention.self.query", "attention.self.key", "attention.self.value",
                    "attention.output.dense")) {
                shapes.put(prefix + projection + ".weight", new long[] {hiddenSize, hiddenSize});
                shapes.put(prefix + projection + ".bias", new long[] {hiddenSize});
            }
            shapes.put(prefix + "attention.output.LayerNorm.weight", new long[] {hiddenSize});
            shapes.put(prefix + "attention.output.LayerNorm.bias", new long[] {hiddenSize});
            shapes.put(prefix + "intermediate.dense.weight", new long[] {intermediateSize, hiddenSize});
            shapes.put(prefix + "intermediate.dense.bias", new long[] {intermediateSize});
            shapes.put(prefix + "output.dense.weight", new long[] {hiddenSize, intermediateSize});
            shapes.put(prefix + "output.dense.bias", new long[] {hiddenSize});
            shapes.put(prefix + "output.LayerNorm.weight", new long[] {hiddenSize});
            shapes.put(prefix + "output.LayerNorm.bias", new long[] {hiddenSize});
        }
        return shapes;
    }

    /** Returns the pooler's keys with their shapes. */
    static Map<String, long[]> poolerShapes(long hiddenSize) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        shapes.put(POOLER_KEYS.get(0), new long[] {hiddenSize, hiddenSize});
        shapes.put(POOLER_KEYS.get(1), new long[] {hiddenSize});
        return shapes;
    }
}
