package dev.sparkformers.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkformers.config.PretrainedConfig;
import dev.sparkformers.models.bert.BertConfig;
import dev.sparkformers.testing.Golden;
import dev.sparkformers.testing.TestCheckpoints;
import dev.sparkformers.tokenization.Encoding;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The text-classification pipeline against HuggingFace's golden outputs: the forward stage runs
 * on the reference input ids (the fixtures have no tokenizer; a word-level test tokenizer pads
 * and decodes), and labels follow HuggingFace's argmax over {@code id2label}.
 */
class TextClassificationPipelineTest {

    /** Largest allowed difference from HuggingFace's float32 logits. */
    private static final double LOGITS_TOLERANCE = 2e-5;

    @TempDir
    Path dir;

    @Test
    void bertLogitsAndLabelsMatchReference() throws Exception {
        Path checkpoint = TestCheckpoints.copyGolden("tiny-bert-cls", dir.resolve("bert-cls"));
        TestCheckpoints.writeWordLevelTokenizer(checkpoint, 1000, 4);
        checkReference("tiny-bert-cls", checkpoint, List.of("NEGATIVE", "POSITIVE"));
    }

    @Test
    void gpt2LogitsAndLabelsMatchReference() throws Exception {
        Path checkpoint = TestCheckpoints.tinyGpt2WithTokenizer("tiny-gpt2-cls", dir.resolve("gpt2-cls"));
        checkReference("tiny-gpt2-cls", checkpoint, List.of("NEGATIVE", "NEUTRAL", "POSITIVE"));
    }

    private void checkReference(String fixture, Path checkpoint, List<String> labels) throws Exception {
        try (Golden golden = Golden.open(fixture);
                TextClassificationPipeline pipeline =
                        (TextClassificationPipeline) Pipelines.create(TextClassificationPipeline.TASK, checkpoint)) {
            assertEquals(labels, pipeline.labels());
            List<Encoding> rows = GoldenEncodings.rows(golden, "right", 4);
            List<float[]> logits = pipeline.forward(rows, Map.of());
            StageParameters parameters = pipeline.sanitizeParameters(Map.of());

            double largest = 0;
            for (int row = 0; row < rows.size(); row++) {
                float[] expected = GoldenEncodings.row(golden, "right.logits", row);
                double diff = Golden.maxAbsDiff(logits.get(row), expected);
                largest = Math.max(largest, diff);
                assertTrue(diff < LOGITS_TOLERANCE, fixture + " row " + row + " logits differ by " + diff);

                Classification result = pipeline.postprocess(logits.get(row), rows.get(row), parameters.postprocess());
                int argmax = argmax(expected);
                assertEquals(labels.get(argmax), result.label(), fixture + " row " + row);
                float[] probabilities = ClassificationFunction.SOFTMAX.apply(expected);
                assertEquals(probabilities[argmax], result.score(), 1e-5);
                assertEquals(1, result.predictions().size());
                assertEquals(labels.size(), result.scores().size());
            }
            System.out.printf("%s: logits differ from HuggingFace's by at most %.3g%n", fixture, largest);
        }
    }

    @Test
    void gpt2BatchesMatchSingleTexts() throws Exception {
        Path checkpoint = TestCheckpoints.tinyGpt2WithTokenizer("tiny-gpt2-cls", dir.resolve("gpt2-batch"));
        List<String> texts = List.of("The cat sat on the mat.", "Hello", "A somewhat longer sentence for padding.");
        try (Pipeline<?, ?, ?> created = Pipelines.create(TextClassificationPipeline.TASK, checkpoint)) {
            TextClassificationPipeline pipeline = assertInstanceOf(TextClassificationPipeline.class, created);
            assertEquals(0L, pipeline.tokenizer().padTokenId().getAsLong(), "pad token from the config's pad_token_id");
            Map<String, Object> all = new HashMap<>();
            all.put("top_k", null);
            List<Classification> batched = pipeline.call(texts, all);
            for (int i = 0; i < texts.size(); i++) {
                Classification alone = pipeline.call(List.of(texts.get(i)), all).get(0);
                for (String label : pipeline.labels()) {
                    assertEquals(alone.scores().get(label), batched.get(i).scores().get(label), 1e-5,
                            "text " + i + " label " + label);
                }
            }
        }
    }

    @Test
    void topKFollowsHuggingFace() throws Exception {
        Path checkpoint = TestCheckpoints.copyGolden("tiny-bert-cls", dir.resolve("topk"));
        TestCheckpoints.writeWordLevelTokenizer(checkpoint, 1000, 4);
        try (TextClassificationPipeline pipeline =
                (TextClassificationPipeline) Pipelines.create(TextClassificationPipeline.TASK, checkpoint)) {
            float[] logits = {0.5f, 2.0f};
            Map<String, Object> allLabels = new HashMap<>();
            allLabels.put("top_k", null);

            Classification legacy = postprocess(pipeline, logits, Map.of());
            assertEquals(List.of("POSITIVE"), legacy.predictions().stream().map(LabelScore::label).toList());

            Classification sortedAll = postprocess(pipeline, logits, allLabels);
            assertEquals(List.of("POSITIVE", "NEGATIVE"), sortedAll.predictions().stream().map(LabelScore::label).toList());

            Classification top1 = postprocess(pipeline, logits, Map.of("top_k", 1));
            assertEquals(1, top1.predictions().size());

            Classification classOrder = postprocess(pipeline, logits, Map.of("return_all_scores", true));
            assertEquals(List.of("NEGATIVE", "POSITIVE"), classOrder.predictions().stream().map(LabelScore::label).toList());

            Classification raw = postprocess(pipeline, logits, Map.of("function_to_apply", "none"));
            assertEquals(2.0f, raw.score());
            Classification sigmoid = postprocess(pipeline, logits, Map.of("function_to_apply", "sigmoid"));
            assertEquals(1 / (1 + Math.exp(-2.0)), sigmoid.score(), 1e-6);

            assertThrows(IllegalArgumentException.class, () -> pipeline.sanitizeParameters(Map.of("top_k", 0)));
            assertThrows(IllegalArgumentException.class, () -> pipeline.sanitizeParameters(Map.of("topk", 2)));
        }
    }

    private static Classification postprocess(TextClassificationPipeline pipeline, float[] logits,
            Map<String, ?> parameters) {
        return pipeline.postprocess(logits, (Encoding) null, pipeline.sanitizeParameters(parameters).postprocess());
    }

    @Test
    void functionChoiceFollowsHuggingFace() {
        PretrainedConfig oneLabel = new BertConfig();
        oneLabel.setNumLabels(1);
        assertEquals(ClassificationFunction.SIGMOID, ClassificationFunction.forConfig(oneLabel));

        PretrainedConfig multiLabel = new BertConfig();
        multiLabel.setNumLabels(4);
        multiLabel.setProblemType("multi_label_classification");
        assertEquals(ClassificationFunction.SIGMOID, ClassificationFunction.forConfig(multiLabel));

        PretrainedConfig singleLabel = new BertConfig();
        singleLabel.setNumLabels(3);
        assertEquals(ClassificationFunction.SOFTMAX, ClassificationFunction.forConfig(singleLabel));

        PretrainedConfig regression = new BertConfig();
        regression.setNumLabels(1);
        regression.setProblemType("regression");
        assertEquals(ClassificationFunction.SIGMOID, ClassificationFunction.forConfig(regression));

        PretrainedConfig noLabels = new BertConfig();
        noLabels.setNumLabels(0);
        assertEquals(ClassificationFunction.NONE, ClassificationFunction.forConfig(noLabels));
    }

    @Test
    void softmaxAndSigmoidValues() {
        float[] softmax = ClassificationFunction.SOFTMAX.apply(new float[] {1f, 2f, 3f});
        assertEquals(0.09003057, softmax[0], 1e-7);
        assertEquals(0.66524096, softmax[2], 1e-7);
        float[] sigmoid = ClassificationFunction.SIGMOID.apply(new float[] {0f, -1f});
        assertEquals(0.5, sigmoid[0], 1e-7);
        assertEquals(0.26894142, sigmoid[1], 1e-7);
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
