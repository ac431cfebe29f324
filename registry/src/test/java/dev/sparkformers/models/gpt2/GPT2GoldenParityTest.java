package dev.sparkformers.models.gpt2;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkformers.auto.AutoConfig;
import dev.sparkformers.auto.AutoModel;
import dev.sparkformers.auto.AutoModelForCausalLM;
import dev.sparkformers.auto.AutoModelForSequenceClassification;
import dev.sparkformers.modeling.BaseModelOutputWithPast;
import dev.sparkformers.modeling.CausalLMOutputWithPast;
import dev.sparkformers.modeling.KeyValue;
import dev.sparkformers.modeling.ModelInputs;
import dev.sparkformers.modeling.ModelOutput;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.nn.Linear;
import dev.sparkformers.testing.Golden;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.StreamSupport;

/**
 * GPT-2 against HuggingFace transformers 4.43.4: every hidden state, attention map (padded query
 * rows included), logit tensor, loss and cache tensor recorded for the tiny GPT-2 fixtures, within
 * 2e-5, and the pooled token indices of the classifier exactly.
 */
class GPT2GoldenParityTest {

    private static final double TOLERANCE = 2e-5;

    private static final List<String> CASES = List.of("right", "left", "left_default_pos", "right_tt", "single");

    /** Reference tensors that are inputs or are compared by a dedicated check. */
    private static final List<String> NOT_OUTPUTS = List.of("input_ids", "attention_mask", "labels",
            "token_type_ids", "position_ids", "pooled_token_index", "per_token_logits");

    @Test
    void lmHeadMatchesReference() throws IOException {
        try (GPT2LMHeadModel model = GPT2LMHeadModel.fromPretrained(Golden.directory("tiny-gpt2"))) {
            checkCases("tiny-gpt2", model);
        }
    }

    @Test
    void sequenceClassificationMatchesReference() throws IOException {
        try (GPT2ForSequenceClassification model =
                GPT2ForSequenceClassification.fromPretrained(Golden.directory("tiny-gpt2-cls"))) {
            checkCases("tiny-gpt2-cls", model);
        }
    }

    private static void checkCases(String fixture, PreTrainedModel<?> model) throws IOException {
        Map<String, Double> maxima = new TreeMap<>();
        try (Golden golden = Golden.open(fixture); NDManager manager = NDManager.newBaseManager();
                GPT2Model base = GPT2Model.fromPretrained(golden.checkpoint())) {
            for (String caseName : CASES) {
                ModelInputs inputs = inputs(golden, manager, caseName);
                int compared = compare(golden, caseName, model.forward(inputs), maxima);
                // The fixtures record the base model's last_hidden_state too.
                compared += compare(golden, caseName, base.forward(inputs), maxima, "last_hidden_state");
                assertEquals(referenceOutputCount(golden, caseName), compared,
                        fixture + " " + caseName + ": every reference output must be compared");
            }
        }
        maxima.forEach((name, diff) -> System.out.printf("%s %s max |diff| %.3g%n", fixture, name, diff));
        maxima.forEach((name, diff) -> assertTrue(diff <= TOLERANCE, fixture + " " + name + " differs by " + diff));
    }

    /** Builds the inputs of a reference case as the fixture generator passed them to HuggingFace. */
    static ModelInputs inputs(Golden golden, NDManager manager, String caseName) {
        if (caseName.equals("single")) {
            return ModelInputs.builder(golden.array(manager, "single.input_ids"))
                    .outputHiddenStates(true).outputAttentions(true).build();
        }
        String source = caseName.startsWith("left") ? "left" : "right";
        ModelInputs.Builder builder = ModelInputs.builder(golden.array(manager, source + ".input_ids"))
                .attentionMask(golden.array(manager, source + ".attention_mask"))
                .outputHiddenStates(true).outputAttentions(true);
        if (caseName.equals("left")) {
            builder.positionIds(golden.array(manager, "left.position_ids"));
        }
        if (caseName.equals("right_tt")) {
            builder.tokenTypeIds(golden.array(manager, "right_tt.token_type_ids"));
        }
        if (caseName.equals("right") && golden.has("right.labels")) {
            builder.labels(golden.array(manager, "right.labels"));
        }
        return builder.build();
    }

    /**
     * Compares the output's fields (or only {@code onlyKeys}) with the reference and returns how
     * many tensors it compared.
     */
    @SuppressWarnings("unchecked")
    private static int compare(Golden golden, String caseName, ModelOutput output, Map<String, Double> maxima,
            String... onlyKeys) {
        int compared = 0;
        for (String key : output.keys()) {
            if (onlyKeys.length > 0 && !List.of(onlyKeys).contains(key)) {
                continue;
            }
            Object value = output.get(key);
            String name = caseName + "." + key;
            if (value instanceof NDArray array && golden.has(name)) {
                maxima.put(name, golden.maxAbsDiff(array, name));
                compared++;
            } else if (value instanceof List<?> list && golden.has(name + ".0")) {
                for (int i = 0; i < list.size(); i++) {
                    assertTrue(golden.has(name + "." + i), "reference lacks " + name + "." + i);
                    maxima.put(name + "." + i, golden.maxAbsDiff(((List<NDArray>) list).get(i), name + "." + i));
                    compared++;
                }
            }
        }
        return compared;
    }

    private static long referenceOutputCount(Golden golden, String caseName) {
        return golden.json().get("tensors").properties().stream()
                .map(Map.Entry::getKey)
                .filter(name -> name.startsWith(caseName + "."))
                .filter(name -> NOT_OUTPUTS.stream().noneMatch(suffix -> name.endsWith("." + suffix)))
                .count();
    }

    @Test
    void pooledTokenIndicesMatchReference() throws IOException {
        try (Golden golden = Golden.open("tiny-gpt2-cls"); NDManager manager = NDManager.newBaseManager();
                GPT2ForSequenceClassification model =
                        GPT2ForSequenceClassification.fromPretrained(golden.checkpoint())) {
            for (String caseName : List.of("right", "left")) {
                long[] expected = golden.tensor(caseName + ".pooled_token_index").toLongArray();
                long[] actual = model.pooledTokenIndices(golden.array(manager, caseName + ".input_ids"));
                assertArrayEquals(expected, actual, caseName + " pooled token indices");
            }
        }
    }

    @Test
    void perTokenScoresMatchReference() throws IOException {
        try (Golden golden = Golden.open("tiny-gpt2-cls"); NDManager manager = NDManager.newBaseManager();
                GPT2ForSequenceClassification model = GPT2ForSequenceClassification.fromPretrained(golden.checkpoint());
                GPT2Model base = GPT2Model.fromPretrained(golden.checkpoint())) {
            BaseModelOutputWithPast output = base.forward(inputs(golden, manager, "right"));
            NDArray scoreWeight = model.namedParameters().get("score.weight").array();
            NDArray perToken = Linear.linear(output.lastHiddenState(), scoreWeight, null);
            double diff = golden.maxAbsDiff(perToken, "right.per_token_logits");
            System.out.printf("tiny-gpt2-cls right.per_token_logits max |diff| %.3g%n", diff);
            assertTrue(diff <= TOLERANCE, "per-token logits differ by " + diff);
        }
    }

    @Test
    void cacheMatchesReference() throws IOException {
        try (Golden golden = Golden.open("tiny-gpt2"); NDManager manager = NDManager.newBaseManager();
                GPT2LMHeadModel model = GPT2LMHeadModel.fromPretrained(golden.checkpoint())) {
            int prefix = golden.json().get("kv_cache").get("prefix_len").asInt();
            NDArray ids = golden.array(manager, "cache.input_ids"); // (1, 10)
            Map<String, Double> maxima = new TreeMap<>();

            CausalLMOutputWithPast step = model.forward(ModelInputs.builder(ids.get(new NDIndex(":, :" + prefix)))
                    .useCache(true).build());
            for (int layer = 0; layer < step.pastKeyValues().size(); layer++) {
                KeyValue present = step.pastKeyValues().get(layer);
                String name = "cache.prefix_present." + layer;
                maxima.put(name + ".key", golden.maxAbsDiff(present.key(), name + ".key"));
                maxima.put(name + ".value", golden.maxAbsDiff(present.value(), name + ".value"));
            }

            List<NDArray> stepLogits = new ArrayList<>();
            stepLogits.add(step.logits().get(new NDIndex("0, -1, :")));
            int steps = (int) golden.tensor("cache.step_logits").shape()[0];
            for (int position = prefix; position < prefix + steps - 1; position++) {
                NDArray next = ids.get(new NDIndex(":, " + position + ":" + (position + 1)));
                step = model.forward(ModelInputs.builder(next).pastKeyValues(step.pastKeyValues()).useCache(true)
                        .build());
                stepLogits.add(step.logits().get(new NDIndex("0, -1, :")));
            }
            NDArray incremental = ai.djl.ndarray.NDArrays.stack(new ai.djl.ndarray.NDList(stepLogits)); // (4, vocab)
            maxima.put("cache.step_logits", golden.maxAbsDiff(incremental, "cache.step_logits"));

            NDArray full = model.forward(ModelInputs.of(ids.get(new NDIndex(":, :" + (prefix + steps - 1)))))
                    .logits().get(new NDIndex("0, " + (prefix - 1) + ":, :"));
            double incrementalVsFull = Golden.maxAbsDiff(incremental.toFloatArray(), full.toFloatArray());
            maxima.put("incremental vs full forward", incrementalVsFull);

            maxima.forEach((name, diff) -> System.out.printf("tiny-gpt2 %s max |diff| %.3g%n", name, diff));
            maxima.forEach((name, diff) -> assertTrue(diff <= TOLERANCE, name + " differs by " + diff));
        }
    }

    @Test
    void loadReportsMatchHuggingFace() throws IOException {
        int checked = 0;
        for (String fixture : List.of("tiny-gpt2", "tiny-gpt2-cls")) {
            try (Golden golden = Golden.open(fixture)) {
                for (Map.Entry<String, JsonNode> check : golden.json().get("checks").properties()) {
                    JsonNode value = check.getValue();
                    if (check.getKey().startsWith("cross_load_")) {
                        checkLoadInfo(golden, value.get(0).asText(), value.get(1));
                        checked++;
                    } else if (value.has("loading_info")) {
                        checkLoadInfo(golden, value.get("class").asText(), value.get("loading_info"));
                        checked++;
                    }
                }
            }
        }
        assertEquals(5, checked, "two reloads and three cross-loads are recorded");
    }

    private static void checkLoadInfo(Golden golden, String className, JsonNode info) throws IOException {
        try (PreTrainedModel<?> model = load(className, golden)) {
            String context = className + " from " + golden.checkpoint().getFileName();
            assertEquals(strings(info.get("missing_keys")), model.loadReport().missingKeys(),
                    context + ": missing keys");
            assertEquals(strings(info.get("unexpected_keys")), model.loadReport().unexpectedKeys(),
                    context + ": unexpected keys");
            assertTrue(model.loadReport().mismatchedKeys().isEmpty(), context + ": mismatched keys");
        }
    }

    private static PreTrainedModel<?> load(String className, Golden golden) throws IOException {
        return switch (className) {
            case "GPT2Model" -> GPT2Model.fromPretrained(golden.checkpoint());
            case "GPT2LMHeadModel" -> GPT2LMHeadModel.fromPretrained(golden.checkpoint());
            case "GPT2ForSequenceClassification" -> GPT2ForSequenceClassification.fromPretrained(golden.checkpoint());
            default -> throw new AssertionError("No loader for " + className);
        };
    }

    private static List<String> strings(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    @Test
    void autoClassesResolveGpt2() throws IOException {
        try (Golden golden = Golden.open("tiny-gpt2"); NDManager manager = NDManager.newBaseManager()) {
            JsonNode checks = golden.json().get("checks");
            assertEquals(checks.get("AutoConfig_class").asText(),
                    AutoConfig.fromPretrained(golden.checkpoint()).getClass().getSimpleName());
            try (PreTrainedModel<?> model = AutoModelForCausalLM.fromPretrained(golden.checkpoint())) {
                assertEquals(checks.get("AutoModelForCausalLM_class").asText(), model.getClass().getSimpleName());
            }
            try (PreTrainedModel<?> model = AutoModel.fromPretrained(golden.checkpoint())) {
                assertEquals(checks.get("AutoModel_from_LM_dir").get("class").asText(),
                        model.getClass().getSimpleName());
                assertTrue(model.loadReport().isComplete(), model.loadReport().toString());
                BaseModelOutputWithPast output = assertInstanceOf(BaseModelOutputWithPast.class,
                        model.forward(inputs(golden, manager, "right")));
                double diff = golden.maxAbsDiff(output.lastHiddenState(), "right.last_hidden_state");
                assertTrue(diff <= TOLERANCE, "AutoModel last_hidden_state differs by " + diff);
            }
        }
        try (Golden golden = Golden.open("tiny-gpt2-cls");
                PreTrainedModel<?> model = AutoModelForSequenceClassification.fromPretrained(golden.checkpoint())) {
            assertEquals(golden.json().get("checks").get("AutoModelForSequenceClassification_class").asText(),
                    model.getClass().getSimpleName());
        }
    }
}
