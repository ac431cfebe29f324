package dev.sparkformers.models.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkformers.config.InvalidConfigException;
import dev.sparkformers.config.PretrainedConfig;
import dev.sparkformers.modeling.BaseModelOutputWithPooling;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.modeling.ModelInputs;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.nn.Activations;
import dev.sparkformers.nn.Parameter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.DoubleUnaryOperator;

/**
 * BERT with every {@code hidden_act} that {@link Activations} accepts, against a one-layer forward
 * pass computed in Java doubles from the same random weights: the intermediate layer alone, and
 * the whole model's {@code last_hidden_state} and {@code pooler_output}, within 1e-5.
 *
 * <p>The weights are uniform in [-1, 1], biases and LayerNorm parameters included, so the
 * feed-forward pre-activations spread several units either side of zero, where the activations
 * differ.
 */
class BertHiddenActTest {

    private static final double TOLERANCE = 1e-5;

    private static final int VOCAB = 40;
    private static final int HIDDEN = 8;
    private static final int HEADS = 2;
    private static final int HEAD_SIZE = HIDDEN / HEADS;
    private static final int INTERMEDIATE = 16;
    private static final double LAYER_NORM_EPS = 1e-12;

    /** Two rows of five tokens. The second row is right-padded after three tokens. */
    private static final long[][] INPUT_IDS = {{2, 17, 5, 33, 3}, {2, 9, 3, 0, 0}};
    private static final long[][] ATTENTION_MASK = {{1, 1, 1, 1, 1}, {1, 1, 1, 0, 0}};
    private static final long[][] TOKEN_TYPE_IDS = {{0, 0, 1, 1, 1}, {0, 1, 1, 0, 0}};

    private static final double SQRT_2_OVER_PI = Math.sqrt(2.0 / Math.PI);

    /** HuggingFace's ACT2FN formulas (transformers/activations.py), written independently of DJL. */
    private static final Map<String, DoubleUnaryOperator> FORMULAS = new TreeMap<>();

    static {
        DoubleUnaryOperator gelu = x -> 0.5 * x * (1 + erf(x / Math.sqrt(2)));
        DoubleUnaryOperator geluTanh = x -> 0.5 * x * (1 + Math.tanh(SQRT_2_OVER_PI * (x + 0.044715 * x * x * x)));
        DoubleUnaryOperator silu = x -> x / (1 + Math.exp(-x));
        FORMULAS.put("gelu", gelu);
        FORMULAS.put("gelu_python", gelu);
        FORMULAS.put("gelu_new", geluTanh);
        FORMULAS.put("gelu_pytorch_tanh", geluTanh);
        FORMULAS.put("gelu_accurate", geluTanh);
        FORMULAS.put("gelu_fast", x -> 0.5 * x * (1 + Math.tanh(x * 0.7978845608 * (1 + 0.044715 * x * x))));
        FORMULAS.put("quick_gelu", x -> x / (1 + Math.exp(-1.702 * x)));
        FORMULAS.put("relu", x -> Math.max(0, x));
        FORMULAS.put("relu6", x -> Math.min(Math.max(0, x), 6));
        FORMULAS.put("leaky_relu", x -> x >= 0 ? x : 0.01 * x);
        FORMULAS.put("silu", silu);
        FORMULAS.put("swish", silu);
        FORMULAS.put("sigmoid", x -> 1 / (1 + Math.exp(-x)));
        FORMULAS.put("tanh", Math::tanh);
        FORMULAS.put("mish", x -> x * Math.tanh(Math.log1p(Math.exp(x))));
        FORMULAS.put("linear", x -> x);
    }

    static Set<String> activationNames() {
        return FORMULAS.keySet();
    }

    @Test
    void everyRegisteredActivationHasAFormula() {
        // A new activation in the registry must get a formula here, so that it is tested too.
        assertEquals(Activations.names(), FORMULAS.keySet());
    }

    @ParameterizedTest
    @MethodSource("activationNames")
    void intermediateMatchesHandComputation(String hiddenAct) throws InvalidConfigException {
        try (BertModel model = randomModel(hiddenAct); NDManager manager = NDManager.newBaseManager()) {
            Weights weights = new Weights(model);
            BertIntermediate intermediate = (BertIntermediate) model.children().get("encoder").children().get("layer")
                    .children().get("0").children().get("intermediate");

            // Inputs spread over [-3, 3], so that every part of each activation is used.
            Random random = new Random(11);
            double[][] input = new double[6][HIDDEN];
            float[] flat = new float[6 * HIDDEN];
            for (int i = 0; i < 6; i++) {
                for (int h = 0; h < HIDDEN; h++) {
                    input[i][h] = (float) (random.nextDouble() * 6 - 3);
                    flat[i * HIDDEN + h] = (float) input[i][h];
                }
            }
            float[] actual = intermediate.forward(manager.create(flat, new ai.djl.ndarray.types.Shape(6, HIDDEN)))
                    .toFloatArray();

            DoubleUnaryOperator activation = FORMULAS.get(hiddenAct);
            double max = 0;
            for (int i = 0; i < 6; i++) {
                double[] expected = apply(activation,
                        linear(input[i], weights.get("encoder.layer.0.intermediate.dense")));
                for (int j = 0; j < INTERMEDIATE; j++) {
                    max = Math.max(max, Math.abs(actual[i * INTERMEDIATE + j] - expected[j]));
                }
            }
            assertTrue(max <= TOLERANCE, hiddenAct + ": intermediate output differs by " + max);
        }
    }

    @ParameterizedTest
    @MethodSource("activationNames")
    void modelForwardMatchesHandComputation(String hiddenAct) throws InvalidConfigException {
        try (BertModel model = randomModel(hiddenAct); NDManager manager = NDManager.newBaseManager()) {
            double[][][] expectedHidden = forwardByHand(new Weights(model), FORMULAS.get(hiddenAct));

            BaseModelOutputWithPooling output = model.forward(ModelInputs.builder(manager.create(INPUT_IDS))
                    .attentionMask(manager.create(ATTENTION_MASK))
                    .tokenTypeIds(manager.create(TOKEN_TYPE_IDS)).build());
            float[] hidden = output.lastHiddenState().toFloatArray();
            float[] pooled = output.poolerOutput().toFloatArray();
            double[][] expectedPooled = poolByHand(new Weights(model), expectedHidden);
            output.close();

            double hiddenMax = 0;
            double pooledMax = 0;
            int sequence = INPUT_IDS[0].length;
            for (int b = 0; b < INPUT_IDS.length; b++) {
                for (int t = 0; t < sequence; t++) {
                    for (int h = 0; h < HIDDEN; h++) {
                        hiddenMax = Math.max(hiddenMax,
                                Math.abs(hidden[(b * sequence + t) * HIDDEN + h] - expectedHidden[b][t][h]));
                    }
                }
                for (int h = 0; h < HIDDEN; h++) {
                    pooledMax = Math.max(pooledMax, Math.abs(pooled[b * HIDDEN + h] - expectedPooled[b][h]));
                }
            }
            assertTrue(hiddenMax <= TOLERANCE, hiddenAct + ": last_hidden_state differs by " + hiddenMax);
            assertTrue(pooledMax <= TOLERANCE, hiddenAct + ": pooler_output differs by " + pooledMax);
        }
    }

    @Test
    void toleranceSeparatesGeluVariants() throws InvalidConfigException {
        // The exact and the tanh GELU are close, so the tolerance above must still tell them apart.
        try (BertModel model = randomModel("gelu")) {
            Weights weights = new Weights(model);
            double[][][] exact = forwardByHand(weights, FORMULAS.get("gelu"));
            double[][][] tanh = forwardByHand(weights, FORMULAS.get("gelu_new"));
            double max = 0;
            for (int b = 0; b < exact.length; b++) {
                for (int t = 0; t < exact[b].length; t++) {
                    for (int h = 0; h < HIDDEN; h++) {
                        max = Math.max(max, Math.abs(exact[b][t][h] - tanh[b][t][h]));
                    }
                }
            }
            assertTrue(max > 10 * TOLERANCE, "gelu and gelu_new outputs differ by only " + max);
        }
    }

    @Test
    void unknownHiddenActInConfigFails() {
        InvalidConfigException e = assertThrows(InvalidConfigException.class,
                () -> PretrainedConfig.fromJson(configJson("gelu_fancy"), BertConfig.class, "test config.json"));
        assertTrue(e.getMessage().contains("'gelu_fancy'"), e.getMessage());
        assertTrue(e.getMessage().contains("gelu_new"), "message lists the supported names: " + e.getMessage());
        assertTrue(e.getMessage().contains("relu"), "message lists the supported names: " + e.getMessage());
    }

    @Test
    void unknownHiddenActInConstructorFails() {
        BertConfig config = new BertConfig().setHiddenSize(HIDDEN).setNumAttentionHeads(HEADS).setNumHiddenLayers(1)
                .setIntermediateSize(INTERMEDIATE).setHiddenAct("gelu_fancy");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BertModel(config));
        assertTrue(e.getMessage().contains("'gelu_fancy'"), e.getMessage());
        assertTrue(e.getMessage().contains("gelu_pytorch_tanh"), "message lists the supported names: " + e.getMessage());
    }

    // ---------------------------------------------------------------- the model under test

    private static ObjectNode configJson(String hiddenAct) {
        ObjectNode json = new ObjectMapper().createObjectNode();
        json.put("model_type", "bert");
        json.put("vocab_size", VOCAB);
        json.put("hidden_size", HIDDEN);
        json.put("num_hidden_layers", 1);
        json.put("num_attention_heads", HEADS);
        json.put("intermediate_size", INTERMEDIATE);
        json.put("max_position_embeddings", 16);
        json.put("type_vocab_size", 2);
        json.put("layer_norm_eps", LAYER_NORM_EPS);
        json.put("hidden_act", hiddenAct);
        return json;
    }

    /** Builds a one-layer BERT and replaces every weight by a uniform value in [-1, 1]. */
    private static BertModel randomModel(String hiddenAct) throws InvalidConfigException {
        BertConfig config = PretrainedConfig.fromJson(configJson(hiddenAct), BertConfig.class, "test config.json");
        BertModel model = PreTrainedModel.fromConfig(config, BertModel::new, LoadOptions.defaults());
        Random random = new Random(7);
        for (Parameter parameter : model.namedParameters().values()) {
            float[] values = new float[Math.toIntExact(parameter.shape().size())];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) (random.nextDouble() * 2 - 1);
            }
            // The model's manager owns the new arrays and closes them with the model.
            parameter.set(model.manager().create(values, parameter.shape()));
        }
        return model;
    }

    /** The model's weights as doubles, by state-dict name. */
    private static final class Weights {

        private final Map<String, double[]> values = new TreeMap<>();
        private final Map<String, long[]> shapes = new TreeMap<>();

        Weights(BertModel model) {
            model.namedParameters().forEach((name, parameter) -> {
                float[] floats = parameter.array().toFloatArray();
                double[] doubles = new double[floats.length];
                for (int i = 0; i < floats.length; i++) {
                    doubles[i] = floats[i];
                }
                values.put(name, doubles);
                shapes.put(name, parameter.shape().getShape());
            });
        }

        /** Returns a linear layer's weight {@code [out, in]} and bias {@code [out]}. */
        Linear get(String prefix) {
            long[] shape = shapes.get(prefix + ".weight");
            return new Linear(values.get(prefix + ".weight"), values.get(prefix + ".bias"), (int) shape[0],
                    (int) shape[1]);
        }

        double[] row(String name, long index) {
            int width = (int) shapes.get(name)[1];
            double[] row = new double[width];
            System.arraycopy(values.get(name), (int) index * width, row, 0, width);
            return row;
        }

        double[] vector(String name) {
            return values.get(name);
        }
    }

    private record Linear(double[] weight, double[] bias, int out, int in) {}

    // ---------------------------------------------------------------- the forward pass in doubles

    /** Computes BERT's forward pass for {@link #INPUT_IDS} (embeddings, one encoder layer) as {@code [batch][seq][hidden]}. */
    private static double[][][] forwardByHand(Weights w, DoubleUnaryOperator activation) {
        int batch = INPUT_IDS.length;
        int sequence = INPUT_IDS[0].length;
        double[][][] result = new double[batch][sequence][];
        for (int b = 0; b < batch; b++) {
            double[][] x = new double[sequence][];
            for (int t = 0; t < sequence; t++) {
                double[] sum = add(add(w.row("embeddings.word_embeddings.weight", INPUT_IDS[b][t]),
                        w.row("embeddings.position_embeddings.weight", t)),
                        w.row("embeddings.token_type_embeddings.weight", TOKEN_TYPE_IDS[b][t]));
                x[t] = layerNorm(sum, w, "embeddings.LayerNorm");
            }

            double[][] attended = selfAttention(w, x, ATTENTION_MASK[b]);
            for (int t = 0; t < sequence; t++) {
                double[] attentionOutput = layerNorm(add(linear(attended[t],
                        w.get("encoder.layer.0.attention.output.dense")), x[t]), w,
                        "encoder.layer.0.attention.output.LayerNorm");
                double[] intermediate = apply(activation,
                        linear(attentionOutput, w.get("encoder.layer.0.intermediate.dense")));
                result[b][t] = layerNorm(add(linear(intermediate, w.get("encoder.layer.0.output.dense")),
                        attentionOutput), w, "encoder.layer.0.output.LayerNorm");
            }
        }
        return result;
    }

    /** Computes multi-head self-attention of one row before the output projection. Padded keys are left out. */
    private static double[][] selfAttention(Weights w, double[][] x, long[] mask) {
        int sequence = x.length;
        double[][] q = new double[sequence][];
        double[][] k = new double[sequence][];
        double[][] v = new double[sequence][];
        for (int t = 0; t < sequence; t++) {
            q[t] = linear(x[t], w.get("encoder.layer.0.attention.self.query"));
            k[t] = linear(x[t], w.get("encoder.layer.0.attention.self.key"));
            v[t] = linear(x[t], w.get("encoder.layer.0.attention.self.value"));
        }
        double[][] context = new double[sequence][HIDDEN];
        for (int head = 0; head < HEADS; head++) {
            int offset = head * HEAD_SIZE;
            for (int i = 0; i < sequence; i++) {
                double[] scores = new double[sequence];
                double maxScore = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < sequence; j++) {
                    if (mask[j] == 0) {
                        continue;
                    }
                    double dot = 0;
                    for (int d = 0; d < HEAD_SIZE; d++) {
                        dot += q[i][offset + d] * k[j][offset + d];
                    }
                    scores[j] = dot / Math.sqrt(HEAD_SIZE);
                    maxScore = Math.max(maxScore, scores[j]);
                }
                double total = 0;
                double[] weights = new double[sequence];
                for (int j = 0; j < sequence; j++) {
                    weights[j] = mask[j] == 0 ? 0 : Math.exp(scores[j] - maxScore);
                    total += weights[j];
                }
                for (int j = 0; j < sequence; j++) {
                    for (int d = 0; d < HEAD_SIZE; d++) {
                        context[i][offset + d] += weights[j] / total * v[j][offset + d];
                    }
                }
            }
        }
        return context;
    }

    /** Computes BERT's pooler, {@code tanh(dense(hidden[:, 0]))}. */
    private static double[][] poolByHand(Weights w, double[][][] hidden) {
        double[][] pooled = new double[hidden.length][];
        for (int b = 0; b < hidden.length; b++) {
            pooled[b] = apply(Math::tanh, linear(hidden[b][0], w.get("pooler.dense")));
        }
        return pooled;
    }

    private static double[] linear(double[] x, Linear layer) {
        double[] y = new double[layer.out()];
        for (int o = 0; o < layer.out(); o++) {
            double sum = layer.bias()[o];
            for (int i = 0; i < layer.in(); i++) {
                sum += layer.weight()[o * layer.in() + i] * x[i];
            }
            y[o] = sum;
        }
        return y;
    }

    private static double[] layerNorm(double[] x, Weights w, String prefix) {
        double mean = 0;
        for (double value : x) {
            mean += value / x.length;
        }
        double variance = 0;
        for (double value : x) {
            variance += (value - mean) * (value - mean) / x.length;
        }
        double[] gamma = w.vector(prefix + ".weight");
        double[] beta = w.vector(prefix + ".bias");
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (x[i] - mean) / Math.sqrt(variance + LAYER_NORM_EPS) * gamma[i] + beta[i];
        }
        return y;
    }

    private static double[] add(double[] a, double[] b) {
        double[] sum = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            sum[i] = a[i] + b[i];
        }
        return sum;
    }

    private static double[] apply(DoubleUnaryOperator function, double[] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = function.applyAsDouble(x[i]);
        }
        return y;
    }

    /**
     * The error function by its Maclaurin series, {@code 2/sqrt(pi) sum (-1)^n z^(2n+1) / (n! (2n+1))}.
     * Below |z| = 4 the largest term is about 1e5, so cancellation costs about 5 of double's 16
     * digits. Beyond it, {@code 1 - |erf(z)|} is below 2e-8, so the sign is returned.
     */
    private static double erf(double z) {
        if (Math.abs(z) >= 4) {
            return Math.signum(z);
        }
        double term = z;
        double sum = z;
        for (int n = 1; n < 200 && Math.abs(term) > 1e-17; n++) {
            term *= -z * z / n;
            sum += term / (2 * n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }
}
