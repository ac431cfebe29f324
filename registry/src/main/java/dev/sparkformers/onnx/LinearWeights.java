package dev.sparkformers.onnx;

import dev.sparkformers.safetensors.TensorData;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Recovers the names of linear-layer weights that a PyTorch export stores anonymously.
 *
 * <p>{@code torch.onnx.export} exports {@code nn.Linear} as {@code MatMul(x, W^T)} followed by
 * {@code Add(bias, ...)}, and constant folding stores {@code W^T} as a new initializer named
 * {@code onnx::MatMul_NNN}, in the {@code [in, out]} layout. The module path survives only in the
 * MatMul node's name: {@code /encoder/layer.0/attention/self/query/MatMul} belongs to
 * {@code encoder.layer.0.attention.self.query}. This class names each such weight
 * {@code <module>.weight}, transposes it back to {@code [out, in]}, and checks that the MatMul
 * output feeds an {@code Add} with the initializer {@code <module>.bias} of matching size.
 */
final class LinearWeights {

    /** The last part of a MatMul node's name: the op, with the suffix PyTorch adds to repeated ops. */
    private static final Pattern MATMUL_NODE = Pattern.compile("MatMul(_\\d+)?");

    /** Element types a weight may have; quantized exports are not imported. */
    static final Set<OnnxDataType> FLOATING_TYPES = EnumSet.of(OnnxDataType.FLOAT, OnnxDataType.FLOAT16,
            OnnxDataType.BFLOAT16, OnnxDataType.DOUBLE);

    /** One part of a module path, for example {@code encoder}, {@code layer.0} or {@code query}. */
    private static final Pattern MODULE_PART = Pattern.compile("[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*");

    /**
     * A named linear weight.
     *
     * @param key the HF key, for example {@code encoder.layer.0.attention.self.query.weight}
     * @param weight the weight in {@code [out, in]} layout
     * @param matMul the MatMul node the weight came from
     * @param initializer the anonymous initializer's name, for messages
     */
    record Named(String key, TensorData weight, OnnxNode matMul, String initializer) {}

    private LinearWeights() {}

    /**
     * Names every anonymous initializer that is the second input of a MatMul.
     *
     * @return the named weights by key, in graph order
     * @throws InvalidOnnxException if a MatMul's name has no module scope, a weight is not 2-D, a
     *     weight is shared by two MatMuls, the bias Add is missing, or the bias size disagrees
     */
    static Map<String, Named> find(GraphIndex index, String source) throws InvalidOnnxException {
        Map<String, Named> named = new LinkedHashMap<>();
        Map<String, OnnxNode> usedBy = new LinkedHashMap<>();
        for (OnnxNode node : index.graph().nodes()) {
            if (!node.opType().equals("MatMul") || node.inputs().size() != 2) {
                continue;
            }
            String initializerName = node.inputs().get(1);
            Optional<OnnxTensor> initializer = index.initializer(initializerName);
            if (initializer.isEmpty() || BertParameterLayout.isStateDictKey(initializerName)) {
                continue;
            }

            OnnxNode previous = usedBy.putIfAbsent(initializerName, node);
            if (previous != null) {
                throw new InvalidOnnxException(source, "weight '" + initializerName + "' is used by two MatMul nodes, '"
                        + previous.describe() + "' and '" + node.describe() + "', so it cannot be given one name");
            }
            Named weight = name(index, source, node, initializer.get());
            if (named.putIfAbsent(weight.key(), weight) != null) {
                throw new InvalidOnnxException(source, "MatMul nodes '" + named.get(weight.key()).matMul().describe()
                        + "' and '" + node.describe() + "' both map to weight key '" + weight.key() + "'");
            }
        }
        return named;
    }

    private static Named name(GraphIndex index, String source, OnnxNode matMul, OnnxTensor weight)
            throws InvalidOnnxException {
        String module = moduleOf(source, matMul, weight.name());
        if (weight.rank() != 2) {
            throw new InvalidOnnxException(source, "weight '" + weight.name() + "' of MatMul '" + matMul.name()
                    + "' has shape " + Arrays.toString(weight.dims()) + "; a linear weight has 2 dimensions");
        }
        if (!FLOATING_TYPES.contains(weight.dataType())) {
            throw new InvalidOnnxException(source, "weight '" + weight.name() + "' of MatMul '" + matMul.name()
                    + "' has type " + weight.dataType() + "; only " + FLOATING_TYPES + " weights are imported");
        }
        long in = weight.dim(0);
        long out = weight.dim(1);

        String biasName = biasOf(index, source, matMul, module);
        OnnxTensor bias = index.initializer(biasName).orElseThrow();
        if (bias.rank() != 1 || bias.dim(0) != out) {
            throw new InvalidOnnxException(source, "weight '" + weight.name() + "' of MatMul '" + matMul.name()
                    + "' has shape " + Arrays.toString(weight.dims()) + " ([in, out]), so its bias should have shape ["
                    + out + "], but bias '" + biasName + "' has shape " + Arrays.toString(bias.dims())
                    + "; the weight does not belong to this module");
        }
        if (bias.dataType() != weight.dataType()) {
            throw new InvalidOnnxException(source, "weight '" + weight.name() + "' has type " + weight.dataType()
                    + ", but its bias '" + biasName + "' has type " + bias.dataType());
        }

        TensorData data = weight.toTensorData();
        // [in, out] as stored for x @ W becomes [out, in], the nn.Linear layout.
        TensorData transposed = new TensorData(data.dtype(), new long[] {out, in},
                Transposition.transpose(data.data(), Math.toIntExact(in), Math.toIntExact(out),
                        data.dtype().byteSize()));
        return new Named(module + ".weight", transposed, matMul, weight.name());
    }

    /** Returns the module path of a MatMul node: {@code /a/b.0/c/MatMul} becomes {@code a.b.0.c}. */
    private static String moduleOf(String source, OnnxNode matMul, String weightName) throws InvalidOnnxException {
        String name = matMul.name();
        List<String> parts = Arrays.asList(name.split("/", -1));
        boolean scoped = name.startsWith("/") && parts.size() >= 3
                && MATMUL_NODE.matcher(parts.get(parts.size() - 1)).matches()
                && parts.subList(1, parts.size() - 1).stream().allMatch(part -> MODULE_PART.matcher(part).matches());
        if (!scoped) {
            throw new InvalidOnnxException(source, "MatMul node '" + name + "' that reads weight '" + weightName
                    + "' has no module scope in its name, so the weight's key cannot be recovered; expected a name"
                    + " such as /encoder/layer.0/attention/self/query/MatMul, as torch.onnx.export in PyTorch 2.0"
                    + " writes");
        }
        return String.join(".", parts.subList(1, parts.size() - 1));
    }

    /** Returns the name of the bias initializer that an {@code Add} applies to the MatMul's output. */
    private static String biasOf(GraphIndex index, String source, OnnxNode matMul, String module)
            throws InvalidOnnxException {
        String expected = module + ".bias";
        String output = matMul.outputs().isEmpty() ? "" : matMul.outputs().get(0);
        for (OnnxNode consumer : index.consumers(output)) {
            if (consumer.opType().equals("Add") && consumer.inputs().contains(expected)
                    && index.initializer(expected).isPresent()) {
                return expected;
            }
        }
        throw new InvalidOnnxException(source, "the output of MatMul '" + matMul.name() + "' does not feed an Add"
                + " with the bias initializer '" + expected + "', so its weight cannot be confirmed as "
                + module + ".weight");
    }
}
