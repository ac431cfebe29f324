package dev.sparkformers.onnx;

import static dev.sparkformers.onnx.OnnxProtoWriter.FLOAT;
import static dev.sparkformers.onnx.OnnxProtoWriter.INT64;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes ONNX files shaped like {@code torch.onnx.export} of a HuggingFace {@code BertModel}
 * (PyTorch 2.0, opset 11): the same node names, decompositions (LayerNorm, GELU, attention) and
 * anonymous {@code onnx::MatMul_NNN} weights in {@code [in, out]} layout, at any size and with
 * random weights. Switches break the graph in the ways the importer must detect.
 */
public final class TinyBertExport {

    /** Feed-forward activations, decomposed as PyTorch exports them. */
    enum Activation { GELU, GELU_TANH, RELU, SIGMOID }

    int vocabSize = 40;
    int hiddenSize = 8;
    int layers = 2;
    int heads = 2;
    int intermediateSize = 16;
    int maxPositions = 16;
    int typeVocabSize = 2;
    float epsilon = 1e-12f;
    Activation activation = Activation.GELU;
    long seed = 1;

    /** False: MatMul weights become graph inputs, as in an export without constant folding of weights. */
    boolean matMulWeightsAsInitializers = true;

    /** True: heads are split by one constant shape {@code [0, 0, heads, -1]} instead of a Concat. */
    boolean constantReshapeShape;

    /** Module key (for example {@code encoder.layer.0.attention.self.query}) whose MatMul node loses its scope. */
    String unscopedMatMul;

    /** Bias sizes that differ from the module's output size, by bias key. */
    final Map<String, Integer> biasSizes = new HashMap<>();

    /** Attention scale divisor; null for the correct {@code sqrt(head_dim)}. */
    Float scaleDivisor;

    /** The expected state dict, linear weights in {@code [out, in]} layout; filled by {@link #build()}. */
    final Map<String, float[]> stateDict = new LinkedHashMap<>();

    private final List<byte[]> nodes = new ArrayList<>();
    private final List<byte[]> initializers = new ArrayList<>();
    private final List<byte[]> inputs = new ArrayList<>();
    private final Map<String, Integer> opCounts = new HashMap<>();
    private Random random;
    private int anonymousWeights;

    /** Builds the model bytes. */
    public byte[] build() {
        random = new Random(seed);
        inputs.add(OnnxProtoWriter.valueInfo("input_ids", INT64, "batch_size", "sequence_length"));
        inputs.add(OnnxProtoWriter.valueInfo("attention_mask", INT64, "batch_size", "sequence_length"));
        inputs.add(OnnxProtoWriter.valueInfo("token_type_ids", INT64, "batch_size", "sequence_length"));

        String mask = attentionMask();
        String hidden = embeddings();
        for (int layer = 0; layer < layers; layer++) {
            hidden = layer(layer, hidden, mask);
        }
        nodes.add(OnnxProtoWriter.node("/Identity", "Identity", List.of(hidden), List.of("last_hidden_state")));

        byte[] graph = OnnxProtoWriter.graph(nodes, initializers, inputs,
                List.of(OnnxProtoWriter.valueInfo("last_hidden_state", FLOAT, "batch_size", "sequence_length",
                        String.valueOf(hiddenSize))));
        return OnnxProtoWriter.model(graph);
    }

    /** Builds the model and writes it to {@code file}. */
    public Path write(Path file) throws IOException {
        return Files.write(file, build());
    }

    /** Writes a BERT tokenizer.json whose vocabulary has {@code vocabSize} tokens, specials first. */
    public static Path writeTokenizer(Path file, int vocabSize, boolean lowercase) throws IOException {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        List<String> specials = List.of("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]");
        for (int id = 0; id < specials.size(); id++) {
            added.addObject().put("id", id).put("content", specials.get(id)).put("single_word", false)
                    .put("lstrip", false).put("rstrip", false).put("normalized", false).put("special", true);
        }
        root.putObject("normalizer").put("type", "BertNormalizer").put("clean_text", true)
                .put("handle_chinese_chars", true).putNull("strip_accents");
        ((ObjectNode) root.get("normalizer")).put("lowercase", lowercase);
        root.putObject("pre_tokenizer").put("type", "BertPreTokenizer");
        ObjectNode template = root.putObject("post_processor").put("type", "TemplateProcessing");
        ArrayNode single = template.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", "[CLS]").put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 0);
        root.putObject("decoder").put("type", "WordPiece").put("prefix", "##").put("cleanup", true);
        ObjectNode model = root.putObject("model").put("type", "WordPiece").put("unk_token", "[UNK]")
                .put("continuing_subword_prefix", "##").put("max_input_chars_per_word", 100);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < vocabSize; id++) {
            vocab.put(id < specials.size() ? specials.get(id) : "w" + id, id);
        }
        json.writeValue(file.toFile(), root);
        return file;
    }

    private String attentionMask() {
        String unsqueezed = node("", "Unsqueeze", List.of("attention_mask"), OnnxProtoWriter.intsAttribute("axes", 1));
        String unsqueezed2 = node("", "Unsqueeze", List.of(unsqueezed), OnnxProtoWriter.intsAttribute("axes", 2));
        String cast = node("", "Cast", List.of(unsqueezed2), OnnxProtoWriter.intAttribute("to", FLOAT));
        String inverted = node("", "Sub", List.of(constant("", 1f), cast));
        return node("", "Mul", List.of(inverted, constant("", -Float.MAX_VALUE)));
    }

    private String embeddings() {
        long[] positionIds = new long[maxPositions];
        for (int i = 0; i < maxPositions; i++) {
            positionIds[i] = i;
        }
        initializers.add(OnnxProtoWriter.int64Tensor("embeddings.position_ids", new long[] {1, maxPositions},
                positionIds));
        String words = weight("embeddings.word_embeddings.weight", vocabSize, hiddenSize);
        String positions = weight("embeddings.position_embeddings.weight", maxPositions, hiddenSize);
        String types = weight("embeddings.token_type_embeddings.weight", typeVocabSize, hiddenSize);

        String wordVectors = node("/embeddings/word_embeddings", "Gather", List.of(words, "input_ids"));
        String typeVectors = node("/embeddings/token_type_embeddings", "Gather", List.of(types, "token_type_ids"));
        String sum = node("/embeddings", "Add", List.of(wordVectors, typeVectors));
        String shape = node("/embeddings", "Shape", List.of("input_ids"));
        String length = node("/embeddings", "Gather", List.of(shape, scalarInt("/embeddings", 1)),
                OnnxProtoWriter.intAttribute("axis", 0));
        String end = node("/embeddings", "Unsqueeze", List.of(length), OnnxProtoWriter.intsAttribute("axes", 0));
        String slice = node("/embeddings", "Slice", List.of("embeddings.position_ids", ints("/embeddings", 0), end,
                ints("/embeddings", 1), ints("/embeddings", 1)));
        String positionVectors = node("/embeddings/position_embeddings", "Gather", List.of(positions, slice));
        String all = node("/embeddings", "Add", List.of(sum, positionVectors));
        return layerNorm("/embeddings/LayerNorm", "embeddings.LayerNorm", all);
    }

    private String layer(int layer, String input, String mask) {
        String scope = "/encoder/layer." + layer;
        String key = "encoder.layer." + layer;
        String attention = scope + "/attention/self";
        int headDim = hiddenSize / heads;

        String query = linear(attention + "/query", key + ".attention.self.query", input, hiddenSize, hiddenSize);
        String keys = linear(attention + "/key", key + ".attention.self.key", input, hiddenSize, hiddenSize);
        String values = linear(attention + "/value", key + ".attention.self.value", input, hiddenSize, hiddenSize);
        String keyHeads = splitHeads(attention, keys, 0, 2, 3, 1);
        String valueHeads = splitHeads(attention, values, 0, 2, 1, 3);
        String queryHeads = splitHeads(attention, query, 0, 2, 1, 3);

        String scores = node(attention, "MatMul", List.of(queryHeads, keyHeads));
        float divisor = scaleDivisor != null ? scaleDivisor : (float) Math.sqrt(headDim);
        String scaled = node(attention, "Div", List.of(scores, constant(attention, divisor)));
        String masked = node(attention, "Add", List.of(scaled, mask));
        String probabilities = node(attention, "Softmax", List.of(masked), OnnxProtoWriter.intAttribute("axis", 3));
        String context = node(attention, "MatMul", List.of(probabilities, valueHeads));
        String merged = mergeHeads(attention, node(attention, "Transpose", List.of(context),
                OnnxProtoWriter.intsAttribute("perm", 0, 2, 1, 3)));

        String attentionOut = linear(scope + "/attention/output/dense", key + ".attention.output.dense", merged,
                hiddenSize, hiddenSize);
        String residual = node(scope + "/attention/output", "Add", List.of(attentionOut, input));
        String normed = layerNorm(scope + "/attention/output/LayerNorm", key + ".attention.output.LayerNorm", residual);
        String intermediate = linear(scope + "/intermediate/dense", key + ".intermediate.dense", normed, hiddenSize,
                intermediateSize);
        String activated = activation(scope + "/intermediate/intermediate_act_fn", intermediate);
        String output = linear(scope + "/output/dense", key + ".output.dense", activated, intermediateSize, hiddenSize);
        String residual2 = node(scope + "/output", "Add", List.of(output, normed));
        return layerNorm(scope + "/output/LayerNorm", key + ".output.LayerNorm", residual2);
    }

    private String splitHeads(String scope, String value, long... perm) {
        String shape;
        if (constantReshapeShape) {
            shape = ints(scope, 0, 0, heads, -1);
        } else {
            String batch = node(scope, "Unsqueeze", List.of(dimension(scope, value, 0)),
                    OnnxProtoWriter.intsAttribute("axes", 0));
            String length = node(scope, "Unsqueeze", List.of(dimension(scope, value, 1)),
                    OnnxProtoWriter.intsAttribute("axes", 0));
            shape = node(scope, "Concat", List.of(batch, length, ints(scope, heads), ints(scope, hiddenSize / heads)),
                    OnnxProtoWriter.intAttribute("axis", 0));
        }
        String reshaped = node(scope, "Reshape", List.of(value, shape));
        return node(scope, "Transpose", List.of(reshaped), OnnxProtoWriter.intsAttribute("perm", perm));
    }

    private String mergeHeads(String scope, String value) {
        String batch = node(scope, "Unsqueeze", List.of(dimension(scope, value, 0)),
                OnnxProtoWriter.intsAttribute("axes", 0));
        String length = node(scope, "Unsqueeze", List.of(dimension(scope, value, 1)),
                OnnxProtoWriter.intsAttribute("axes", 0));
        String shape = node(scope, "Concat", List.of(batch, length, ints(scope, hiddenSize)),
                OnnxProtoWriter.intAttribute("axis", 0));
        return node(scope, "Reshape", List.of(value, shape));
    }

    private String dimension(String scope, String value, long axis) {
        String shape = node(scope, "Shape", List.of(value));
        return node(scope, "Gather", List.of(shape, scalarInt(scope, axis)), OnnxProtoWriter.intAttribute("axis", 0));
    }

    private String activation(String scope, String x) {
        return switch (activation) {
            case GELU -> {
                String erf = node(scope, "Erf", List.of(node(scope, "Div", List.of(x, constant(scope, (float) Math.sqrt(2))))));
                String product = node(scope, "Mul", List.of(x, node(scope, "Add", List.of(erf, constant(scope, 1f)))));
                yield node(scope, "Mul", List.of(product, constant(scope, 0.5f)));
            }
            case GELU_TANH -> {
                String cube = node(scope, "Pow", List.of(x, constant(scope, 3f)));
                String inner = node(scope, "Add", List.of(x, node(scope, "Mul", List.of(constant(scope, 0.044715f), cube))));
                String tanh = node(scope, "Tanh", List.of(node(scope, "Mul",
                        List.of(constant(scope, (float) Math.sqrt(2 / Math.PI)), inner))));
                String product = node(scope, "Mul", List.of(x, node(scope, "Add", List.of(constant(scope, 1f), tanh))));
                yield node(scope, "Mul", List.of(constant(scope, 0.5f), product));
            }
            case RELU -> node(scope, "Relu", List.of(x));
            case SIGMOID -> node(scope, "Mul", List.of(x, node(scope, "Sigmoid", List.of(x))));
        };
    }

    private String layerNorm(String scope, String key, String x) {
        String weight = vector(key + ".weight", hiddenSize);
        String bias = vector(key + ".bias", hiddenSize);
        String mean = node(scope, "ReduceMean", List.of(x), OnnxProtoWriter.intsAttribute("axes", -1));
        String centered = node(scope, "Sub", List.of(x, mean));
        String squared = node(scope, "Pow", List.of(centered, constant(scope, 2f)));
        String variance = node(scope, "ReduceMean", List.of(squared), OnnxProtoWriter.intsAttribute("axes", -1));
        String shifted = node(scope, "Add", List.of(variance, constant(scope, epsilon)));
        String normalized = node(scope, "Div", List.of(centered, node(scope, "Sqrt", List.of(shifted))));
        String scaled = node(scope, "Mul", List.of(normalized, weight));
        return node(scope, "Add", List.of(scaled, bias));
    }

    /** Adds {@code x @ W^T + b} as PyTorch exports nn.Linear: an anonymous [in, out] weight, then an Add. */
    private String linear(String scope, String key, String x, int in, int out) {
        float[] weight = randomValues(out * in);
        if (anonymousWeights == 0) {
            // Bit patterns that a float conversion could alter: negative zero, a NaN payload, a subnormal.
            weight[0] = -0.0f;
            weight[1] = Float.intBitsToFloat(0x7fc01234);
            weight[2] = Float.MIN_VALUE;
        }
        stateDict.put(key + ".weight", weight);
        float[] transposed = new float[in * out];
        for (int row = 0; row < out; row++) {
            for (int column = 0; column < in; column++) {
                transposed[column * out + row] = weight[row * in + column];
            }
        }
        String name = "onnx::MatMul_" + (700 + anonymousWeights++);
        if (matMulWeightsAsInitializers) {
            initializers.add(OnnxProtoWriter.floatTensor(name, new long[] {in, out}, transposed));
        } else {
            inputs.add(OnnxProtoWriter.valueInfo(name, FLOAT, String.valueOf(in), String.valueOf(out)));
        }
        String bias = vector(key + ".bias", biasSizes.getOrDefault(key + ".bias", out));

        String matMulName = key.equals(unscopedMatMul) ? "MatMul_" + anonymousWeights : scope + "/MatMul";
        String product = matMulName + "_output_0";
        nodes.add(OnnxProtoWriter.node(matMulName, "MatMul", List.of(x, name), List.of(product)));
        return node(scope, "Add", List.of(bias, product));
    }

    private String weight(String key, int rows, int columns) {
        float[] values = randomValues(rows * columns);
        stateDict.put(key, values);
        initializers.add(OnnxProtoWriter.floatTensor(key, new long[] {rows, columns}, values));
        return key;
    }

    private String vector(String key, int size) {
        float[] values = randomValues(size);
        stateDict.put(key, values);
        initializers.add(OnnxProtoWriter.floatTensor(key, new long[] {size}, values));
        return key;
    }

    private float[] randomValues(int count) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = random.nextFloat() * 2 - 1;
        }
        return values;
    }

    private String constant(String scope, float value) {
        return node(scope, "Constant", List.of(), OnnxProtoWriter.tensorAttribute("value",
                OnnxProtoWriter.floatTensor("", new long[0], new float[] {value})));
    }

    private String scalarInt(String scope, long value) {
        return node(scope, "Constant", List.of(), OnnxProtoWriter.tensorAttribute("value",
                OnnxProtoWriter.int64Tensor("", new long[0], new long[] {value})));
    }

    private String ints(String scope, long... values) {
        return node(scope, "Constant", List.of(), OnnxProtoWriter.tensorAttribute("value",
                OnnxProtoWriter.int64Tensor("", new long[] {values.length}, values)));
    }

    /** Adds a node named {@code scope/Op}, {@code scope/Op_1}, ..., as PyTorch names them, and returns its output. */
    private String node(String scope, String opType, List<String> nodeInputs, byte[]... attributes) {
        String base = scope + "/" + opType;
        int count = opCounts.merge(base, 1, Integer::sum) - 1;
        String name = count == 0 ? base : base + "_" + count;
        String output = name + "_output_0";
        nodes.add(OnnxProtoWriter.node(name, opType, nodeInputs, List.of(output), attributes));
        return output;
    }
}
