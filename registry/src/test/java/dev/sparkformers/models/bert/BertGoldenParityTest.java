package dev.sparkformers.models.bert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkformers.modeling.ModelInputs;
import dev.sparkformers.modeling.ModelOutput;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.testing.Golden;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * BERT against HuggingFace transformers 4.43.4: every hidden state, attention map, pooled output,
 * logit tensor and loss recorded for the tiny BERT fixtures, within 2e-5.
 */
class BertGoldenParityTest {

    private static final double TOLERANCE = 2e-5;

    @Test
    void bertModelMatchesReference() throws IOException {
        try (BertModel model = BertModel.fromPretrained(Golden.directory("tiny-bert"))) {
            checkCases("tiny-bert", model);
        }
    }

    @Test
    void sequenceClassificationMatchesReference() throws IOException {
        try (BertForSequenceClassification model =
                BertForSequenceClassification.fromPretrained(Golden.directory("tiny-bert-cls"))) {
            checkCases("tiny-bert-cls", model);
        }
    }

    @Test
    void maskedLmMatchesReference() throws IOException {
        try (BertForMaskedLM model = BertForMaskedLM.fromPretrained(Golden.directory("tiny-bert-mlm"))) {
            checkCases("tiny-bert-mlm", model);
        }
    }

    private static void checkCases(String fixture, PreTrainedModel<?> model) throws IOException {
        Map<String, Double> maxima = new TreeMap<>();
        try (Golden golden = Golden.open(fixture); NDManager manager = NDManager.newBaseManager();
                BertModel base = BertModel.fromPretrained(golden.checkpoint())) {
            for (String caseName : List.of("right", "right_tt", "single")) {
                ModelInputs inputs = inputs(golden, manager, caseName);
                int compared = compare(golden, caseName, model.forward(inputs), maxima);
                if (!(model instanceof BertModel)) {
                    // Head fixtures also record the encoder's outputs; compare them through the base model.
                    compared += compare(golden, caseName, base.forward(inputs), maxima, "last_hidden_state",
                            "pooler_output");
                }
                assertEquals(referenceOutputCount(golden, caseName), compared,
                        caseName + ": every reference output must be compared");
            }
        }
        maxima.forEach((name, diff) -> System.out.printf("%s %s max |diff| %.3g%n", fixture, name, diff));
        maxima.forEach((name, diff) -> assertTrue(diff <= TOLERANCE, fixture + " " + name + " differs by " + diff));
    }

    private static ModelInputs inputs(Golden golden, NDManager manager, String caseName) {
        if (caseName.equals("single")) {
            return ModelInputs.builder(golden.array(manager, "single.input_ids"))
                    .outputHiddenStates(true).outputAttentions(true).build();
        }
        ModelInputs.Builder builder = ModelInputs.builder(golden.array(manager, "right.input_ids"))
                .attentionMask(golden.array(manager, "right.attention_mask"))
                .outputHiddenStates(true).outputAttentions(true);
        if (caseName.equals("right_tt")) {
            builder.tokenTypeIds(golden.array(manager, "right_tt.token_type_ids"));
        }
        if (golden.has("right.labels")) {
            builder.labels(golden.array(manager, "right.labels"));
        }
        return builder.build();
    }

    /** Compares the output's fields (or only {@code onlyKeys}) with the reference and returns how many tensors it compared. */
    @SuppressWarnings("unchecked")
    private static int compare(Golden golden, String caseName, ModelOutput output, Map<String, Double> maxima,
            String... onlyKeys) {
        int compared = 0;
        for (String key : output.keys()) {
            if (onlyKeys.length > 0 && !List.of(onlyKeys).contains(key)) {
                continue;
            }
            Object value = output.get(key);
            if (value instanceof NDArray array && golden.has(caseName + "." + key)) {
                maxima.put(caseName + "." + key, golden.maxAbsDiff(array, caseName + "." + key));
                compared++;
            } else if (value instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    String name = caseName + "." + key + "." + i;
                    assertTrue(golden.has(name), "reference lacks " + name);
                    maxima.put(name, golden.maxAbsDiff(((List<NDArray>) list).get(i), name));
                    compared++;
                }
            }
        }
        return compared;
    }

    private static long referenceOutputCount(Golden golden, String caseName) {
        return golden.json().get("tensors").properties().stream()
                .map(Map.Entry::getKey)
                .filter(name -> name.startsWith(caseName + ".") && !name.endsWith("input_ids")
                        && !name.endsWith("attention_mask") && !name.endsWith("labels")
                        && !name.endsWith("token_type_ids"))
                .count();
    }

    @Test
    void loadReportsMatchHuggingFace() throws IOException {
        for (String fixture : List.of("tiny-bert", "tiny-bert-cls", "tiny-bert-mlm")) {
            try (Golden golden = Golden.open(fixture)) {
                JsonNode checks = golden.json().get("checks");
                for (Map.Entry<String, JsonNode> check : checks.properties()) {
                    if (check.getKey().startsWith("cross_load_")) {
                        String className = check.getValue().get(0).asText();
                        checkLoadInfo(golden, className, check.getValue().get(1));
                    } else if (check.getKey().equals("AutoModel")) {
                        checkLoadInfo(golden, check.getValue().get("class").asText(),
                                check.getValue().get("loading_info"));
                    }
                }
            }
        }
    }

    private static void checkLoadInfo(Golden golden, String className, JsonNode info) throws IOException {
        try (PreTrainedModel<?> model = load(className, golden)) {
            assertEquals(strings(info.get("missing_keys")), model.loadReport().missingKeys(),
                    className + " from " + golden.checkpoint().getFileName() + ": missing keys");
            assertEquals(strings(info.get("unexpected_keys")), model.loadReport().unexpectedKeys(),
                    className + " from " + golden.checkpoint().getFileName() + ": unexpected keys");
            assertTrue(model.loadReport().mismatchedKeys().isEmpty());
        }
    }

    private static PreTrainedModel<?> load(String className, Golden golden) throws IOException {
        return switch (className) {
            case "BertModel" -> BertModel.fromPretrained(golden.checkpoint());
            case "BertForSequenceClassification" -> BertForSequenceClassification.fromPretrained(golden.checkpoint());
            case "BertForMaskedLM" -> BertForMaskedLM.fromPretrained(golden.checkpoint());
            default -> throw new AssertionError("No loader for " + className);
        };
    }

    private static List<String> strings(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }
}
