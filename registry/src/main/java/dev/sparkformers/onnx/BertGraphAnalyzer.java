package dev.sparkformers.onnx;

import dev.sparkformers.safetensors.Dtype;
import dev.sparkformers.safetensors.TensorData;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns the graph of an exported HuggingFace {@code BertModel} into its state dict and config
 * fields, using the graph alone.
 *
 * <p>Weights come from two places: initializers whose names are state-dict keys
 * ({@code embeddings.*}, biases, LayerNorms) are taken as they are, and anonymous MatMul weights
 * are named by {@link LinearWeights}. Every key and shape of a {@code BertModel} must then be
 * present, and nothing else: a graph that lacks a weight or has extra ones is rejected with the
 * keys named. Sizes come from tensor shapes, the head count from {@link AttentionHeads}, the
 * epsilon from {@link LayerNormEpsilon} and the activation from {@link ActivationFunction}.
 */
final class BertGraphAnalyzer {

    /** How many keys an error lists before it stops. */
    private static final int KEYS_IN_MESSAGES = 8;

    private BertGraphAnalyzer() {}

    /**
     * Analyzes {@code model}'s graph.
     *
     * @throws InvalidOnnxException if the graph is not an export of a BERT encoder; the message
     *     names what is missing or inconsistent
     */
    static BertGraphAnalysis analyze(OnnxModel model) throws InvalidOnnxException {
        String source = model.source();
        GraphIndex index = new GraphIndex(model.graph());
        boolean hasInputIds = model.graph().inputs().stream().anyMatch(input -> input.name().equals("input_ids"));
        if (!hasInputIds) {
            throw new InvalidOnnxException(source, "graph has no input named input_ids (inputs: "
                    + model.graph().inputs().stream().map(OnnxValueInfo::name).toList()
                    + "); expected an export of a BERT encoder");
        }

        Map<String, TensorData> exported = collectWeights(index, source);
        String prefix = modelPrefix(source, exported);
        Map<String, TensorData> weights = stripPrefix(source, prefix, exported);

        long[] words = shapeOf(source, weights, BertParameterLayout.WORD_EMBEDDINGS);
        long vocabSize = words[0];
        long hiddenSize = words[1];
        long maxPositions = shapeOf(source, weights, BertParameterLayout.POSITION_EMBEDDINGS)[0];
        long typeVocabSize = shapeOf(source, weights, BertParameterLayout.TOKEN_TYPE_EMBEDDINGS)[0];
        int layers = countLayers(source, weights);
        long intermediateSize = shapeOf(source, weights,
                BertParameterLayout.LAYER_PREFIX + "0.intermediate.dense.bias")[0];

        Map<String, long[]> expected = BertParameterLayout.expectedShapes(vocabSize, hiddenSize, layers,
                intermediateSize, maxPositions, typeVocabSize);
        boolean hasPooler = BertParameterLayout.POOLER_KEYS.stream().anyMatch(weights::containsKey);
        if (hasPooler) {
            expected.putAll(BertParameterLayout.poolerShapes(hiddenSize));
        }
        checkKeysAndShapes(source, weights, expected, layers);
        String torchDtype = torchDtype(source, weights);

        int heads = AttentionHeads.infer(index, source, prefix, layers, hiddenSize);
        double epsilon = LayerNormEpsilon.infer(index, source, layerNormWeights(prefix, layers));
        String activation = activation(index, source, prefix, layers);

        InferredBertConfig config = new InferredBertConfig(toInt(source, "vocab_size", vocabSize),
                toInt(source, "hidden_size", hiddenSize), layers, heads,
                toInt(source, "intermediate_size", intermediateSize), activation,
                toInt(source, "max_position_embeddings", maxPositions),
                toInt(source, "type_vocab_size", typeVocabSize), epsilon, torchDtype);
        return new BertGraphAnalysis(config, new TreeMap<>(weights), hasPooler);
    }

    /** Returns the initializers named as state-dict keys and the named linear weights, by key. */
    private static Map<String, TensorData> collectWeights(GraphIndex index, String source)
            throws InvalidOnnxException {
        Map<String, TensorData> weights = new LinkedHashMap<>();
        for (OnnxTensor tensor : index.graph().initializers().values()) {
            if (!BertParameterLayout.isStateDictKey(tensor.name())) {
                continue;
            }
            if (tensor.dataType().safetensorsDtype().isEmpty()) {
                throw new InvalidOnnxException(source, "initializer '" + tensor.name() + "' has type "
                        + tensor.dataType() + ", which safetensors cannot store");
            }
            weights.put(tensor.name(), tensor.toTensorData());
        }
        for (LinearWeights.Named linear : LinearWeights.find(index, source).values()) {
            if (weights.putIfAbsent(linear.key(), linear.weight()) != null) {
                throw new InvalidOnnxException(source, "weight '" + linear.initializer() + "' of MatMul '"
                        + linear.matMul().name() + "' maps to key '" + linear.key()
                        + "', but an initializer already has that name");
            }
        }
        return weights;
    }

    /** Returns what precedes {@code embeddings.word_embeddings.weight}: empty for a BertModel, {@code bert.} for a task model. */
    private static String modelPrefix(String source, Map<String, TensorData> weights) throws InvalidOnnxException {
        List<String> candidates = weights.keySet().stream()
                .filter(key -> key.equals(BertParameterLayout.WORD_EMBEDDINGS)
                        || key.endsWith("." + BertParameterLayout.WORD_EMBEDDINGS))
                .toList();
        if (candidates.size() != 1) {
            throw new InvalidOnnxException(source, (candidates.isEmpty() ? "graph has no initializer named "
                    + BertParameterLayout.WORD_EMBEDDINGS : "graph has several word embedding matrices " + candidates)
                    + "; expected an export of a BERT encoder (initializers found: "
                    + sample(weights.keySet()) + ")");
        }
        String key = candidates.get(0);
        return key.substring(0, key.length() - BertParameterLayout.WORD_EMBEDDINGS.length());
    }

    /** Removes {@code prefix} from every key and drops the non-persistent buffers. */
    private static Map<String, TensorData> stripPrefix(String source, String prefix, Map<String, TensorData> exported)
            throws InvalidOnnxException {
        Map<String, TensorData> weights = new LinkedHashMap<>();
        List<String> outside = new ArrayList<>();
        for (Map.Entry<String, TensorData> entry : exported.entrySet()) {
            if (!entry.getKey().startsWith(prefix)) {
                outside.add(entry.getKey());
                continue;
            }
            String key = entry.getKey().substring(prefix.length());
            if (!BertParameterLayout.NON_PERSISTENT_BUFFERS.contains(key)) {
                weights.put(key, entry.getValue());
            }
        }
        if (!outside.isEmpty()) {
            throw new InvalidOnnxException(source, "graph has weights outside the BERT encoder '" + prefix + "': "
                    + sample(outside) + "; only exports of the encoder (BertModel) are imported");
        }
        return weights;
    }

    private static long[] shapeOf(String source, Map<String, TensorData> weights, String key)
            throws InvalidOnnxException {
        TensorData tensor = weights.get(key);
        if (tensor == null) {
            throw new InvalidOnnxException(source, "graph has no weight '" + key + "'; expected an export of a BERT"
                    + " encoder (weights found: " + sample(weights.keySet()) + ")");
        }
        long[] shape = tensor.shape();
        if (shape.length == 0) {
            throw new InvalidOnnxException(source, "weight '" + key + "' is a scalar; expected a vector or matrix");
        }
        return shape;
    }

    /** Returns the number of layers: {@code N + 1} for the largest {@code N} in {@code encoder.layer.N.*}. */
    private static int countLayers(String source, Map<String, TensorData> weights) throws InvalidOnnxException {
        TreeSet<Integer> indices = new TreeSet<>();
        for (String key : weights.keySet()) {
            if (!key.startsWith(BertParameterLayout.LAYER_PREFIX)) {
                continue;
            }
            String rest = key.substring(BertParameterLayout.LAYER_PREFIX.length());
            int dot = rest.indexOf('.');
            String number = dot < 0 ? rest : rest.substring(0, dot);
            if (!number.matches("\\d{1,6}")) {
                throw new InvalidOnnxException(source, "weight '" + key + "' has no layer number after "
                        + BertParameterLayout.LAYER_PREFIX);
            }
            indices.add(Integer.parseInt(number));
        }
        if (indices.isEmpty()) {
            throw new InvalidOnnxException(source, "graph has no encoder layers (no " + BertParameterLayout.LAYER_PREFIX
                    + "N.* weights); expected an export of a BERT encoder");
        }

        // Check for gaps before building the expected keys, whose count grows with the largest index.
        int layers = indices.last() + 1;
        if (indices.size() != layers) {
            List<Integer> absent = new ArrayList<>();
            for (int layer = 0; layer < layers && absent.size() < KEYS_IN_MESSAGES; layer++) {
                if (!indices.contains(layer)) {
                    absent.add(layer);
                }
            }
            throw new InvalidOnnxException(source, "graph has weights for encoder layer " + indices.last()
                    + " but none for layers " + absent + "; layers must be numbered from 0 without gaps");
        }
        return layers;
    }

    private static void checkKeysAndShapes(String source, Map<String, TensorData> weights,
            Map<String, long[]> expected, int layers) throws InvalidOnnxException {
        List<String> missing = expected.keySet().stream().filter(key -> !weights.containsKey(key)).toList();
        if (!missing.isEmpty()) {
            boolean linearMissing = missing.stream().anyMatch(key -> key.endsWith(".weight") && !key.contains("LayerNorm")
                    && !key.startsWith("embeddings."));
            throw new InvalidOnnxException(source, "graph lacks " + missing.size() + " of the " + expected.size()
                    + " weights of a BertModel with " + layers + " layers: " + sample(missing)
                    + (linearMissing ? ". Linear weights are read from MatMul nodes whose second input is an"
                            + " initializer and whose output feeds an Add with the module's bias" : ""));
        }

        List<String> unexpected = weights.keySet().stream().filter(key -> !expected.containsKey(key)).toList();
        if (!unexpected.isEmpty()) {
            throw new InvalidOnnxException(source, "graph has " + unexpected.size() + " weights that a BertModel"
                    + " does not have: " + sample(unexpected) + "; only BERT encoder exports are imported");
        }

        for (Map.Entry<String, long[]> entry : expected.entrySet()) {
            long[] actual = weights.get(entry.getKey()).shape();
            if (!Arrays.equals(actual, entry.getValue())) {
                throw new InvalidOnnxException(source, "weight '" + entry.getKey() + "' has shape "
                        + Arrays.toString(actual) + ", but a BertModel with these embedding sizes needs "
                        + Arrays.toString(entry.getValue()) + " ([out, in] for linear weights)");
            }
        }
    }

    /** Returns the weights' common dtype in torch terms; mixed or non-float weights are rejected. */
    private static String torchDtype(String source, Map<String, TensorData> weights) throws InvalidOnnxException {
        TreeSet<String> dtypes = new TreeSet<>();
        weights.values().forEach(tensor -> dtypes.add(tensor.dtype().name()));
        if (dtypes.size() != 1) {
            throw new InvalidOnnxException(source, "weights have mixed dtypes " + dtypes + "; expected one float type");
        }
        return switch (Dtype.valueOf(dtypes.first())) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            case F64 -> "float64";
            default -> throw new InvalidOnnxException(source, "weights have dtype " + dtypes.first()
                    + "; expected F32, F16, BF16 or F64");
        };
    }

    private static List<String> layerNormWeights(String prefix, int layers) {
        List<String> names = new ArrayList<>();
        names.add(prefix + "embeddings.LayerNorm.weight");
        for (int layer = 0; layer < layers; layer++) {
            names.add(prefix + BertParameterLayout.LAYER_PREFIX + layer + ".attention.output.LayerNorm.weight");
            names.add(prefix + BertParameterLayout.LAYER_PREFIX + layer + ".output.LayerNorm.weight");
        }
        return names;
    }

    /** Returns the activation shared by every layer. */
    private static String activation(GraphIndex index, String source, String prefix, int layers)
            throws InvalidOnnxException {
        String activation = null;
        for (int layer = 0; layer < layers; layer++) {
            String module = prefix + BertParameterLayout.LAYER_PREFIX + layer + ".intermediate.dense";
            String output = index.outputAddingBias(module + ".bias").orElseThrow(() -> new InvalidOnnxException(
                    source, "bias '" + module + ".bias' is not added by any Add or Gemm node, so the feed-forward"
                            + " activation of layer " + module + " cannot be found"));
            String layerActivation = ActivationFunction.infer(index, source,
                    prefix + BertParameterLayout.LAYER_PREFIX + layer, output);
            if (activation == null) {
                activation = layerActivation;
            } else if (!activation.equals(layerActivation)) {
                throw new InvalidOnnxException(source, "layer " + layer + " uses activation " + layerActivation
                        + ", but earlier layers use " + activation + "; BERT uses one hidden_act");
            }
        }
        return activation;
    }

    private static int toInt(String source, String field, long value) throws InvalidOnnxException {
        if (value <= 0 || value > Integer.MAX_VALUE) {
            throw new InvalidOnnxException(source, field + " would be " + value + "; it must be a positive int");
        }
        return (int) value;
    }

    private static String sample(java.util.Collection<String> keys) {
        List<String> sorted = new ArrayList<>(new TreeSet<>(keys));
        String shown = String.join(", ", sorted.subList(0, Math.min(KEYS_IN_MESSAGES, sorted.size())));
        return sorted.size() > KEYS_IN_MESSAGES ? shown + ", ... (" + sorted.size() + " in all)" : shown;
    }
}
