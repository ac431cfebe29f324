package dev.sparkformers.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkformers.testing.Golden;
import dev.sparkformers.testing.TestCheckpoints;
import dev.sparkformers.tokenization.Encoding;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The fill-mask pipeline on tiny-bert-mlm. The fixture has no tokenizer, so a word-level test
 * tokenizer makes the id at a labelled position of the reference input its mask token. The
 * forward stage runs on the reference ids. Every position with that id is then a mask, and its
 * top-k tokens must be the top-k of HuggingFace's logits there.
 */
class FillMaskPipelineTest {

    private static final int TOP_K = 5;

    @TempDir
    Path dir;

    @Test
    void topKIdsMatchReferenceLogits() throws Exception {
        try (Golden golden = Golden.open("tiny-bert-mlm")) {
            long[] ids = golden.tensor("right.input_ids").toLongArray();
            long[] labels = golden.tensor("right.labels").toLongArray();
            int columns = (int) golden.tensor("right.input_ids").shape()[1];
            int maskId = -1;
            for (int i = 0; i < labels.length && maskId < 0; i++) {
                if (labels[i] != -100) {
                    maskId = (int) ids[i];
                }
            }

            Path checkpoint = TestCheckpoints.copyGolden("tiny-bert-mlm", dir.resolve("mlm"));
            TestCheckpoints.writeWordLevelTokenizer(checkpoint, 1000, maskId);
            try (FillMaskPipeline pipeline = (FillMaskPipeline) Pipelines.create(FillMaskPipeline.TASK, checkpoint)) {
                List<Encoding> rows = GoldenEncodings.rows(golden, "right", maskId);
                List<MaskLogits> raw = pipeline.forward(rows, Map.of());
                StageParameters parameters = pipeline.sanitizeParameters(Map.of("top_k", TOP_K));
                float[] reference = golden.tensor("right.logits").toFloatArray();
                int vocab = 1000;

                int masks = 0;
                for (int row = 0; row < rows.size(); row++) {
                    List<List<FillMaskPrediction>> predictions =
                            pipeline.postprocess(raw.get(row), rows.get(row), parameters.postprocess());
                    assertEquals(raw.get(row).positions().length, predictions.size());
                    for (int m = 0; m < raw.get(row).positions().length; m++) {
                        int position = raw.get(row).positions()[m];
                        float[] expected = new float[vocab];
                        System.arraycopy(reference, (row * columns + position) * vocab, expected, 0, vocab);
                        int[] expectedTop = FillMaskPipeline.topIndices(expected, TOP_K);
                        long[] actualTop = predictions.get(m).stream().mapToLong(FillMaskPrediction::token).toArray();
                        assertArrayEquals(java.util.Arrays.stream(expectedTop).asLongStream().toArray(), actualTop,
                                "row " + row + " position " + position);

                        float[] probabilities = ClassificationFunction.SOFTMAX.apply(expected);
                        assertEquals(probabilities[expectedTop[0]], predictions.get(m).get(0).score(), 1e-5);
                        masks++;
                    }
                }
                assertTrue(masks >= 1, "the reference input holds the mask id at least once");
            }
        }
    }

    @Test
    void outputHasHuggingFaceFields() throws Exception {
        Path checkpoint = TestCheckpoints.copyGolden("tiny-bert-mlm", dir.resolve("fields"));
        TestCheckpoints.writeWordLevelTokenizer(checkpoint, 1000, 4);
        try (FillMaskPipeline pipeline = (FillMaskPipeline) Pipelines.create(FillMaskPipeline.TASK, checkpoint)) {
            List<List<FillMaskPrediction>> single = pipeline.call(List.of("w10 [MASK] w12"), Map.of("top_k", 3)).get(0);
            assertEquals(1, single.size());
            assertEquals(3, single.get(0).size());
            FillMaskPrediction best = single.get(0).get(0);
            String token = TestCheckpoints.wordLevelToken((int) best.token(), 1000, 4);
            assertEquals(token, best.tokenStr());
            // One mask: the sequence is decoded without special tokens.
            assertEquals("w10 " + token + " w12", best.sequence());

            List<List<FillMaskPrediction>> two = pipeline.call(List.of("[MASK] w11 [MASK]"), Map.of()).get(0);
            assertEquals(2, two.size());
            assertEquals(5, two.get(0).size());
            assertTrue(two.get(0).get(0).sequence().startsWith("[CLS]"), "several masks keep special tokens");

            List<List<FillMaskPrediction>> targeted =
                    pipeline.call(List.of("w10 [MASK]"), Map.of("targets", List.of("w20", "w30"))).get(0);
            assertEquals(2, targeted.get(0).size());
            assertTrue(List.of(20L, 30L).contains(targeted.get(0).get(0).token()));
            assertFalse(targeted.get(0).get(0).score() > 1f);

            PipelineException error = assertThrows(PipelineException.class,
                    () -> pipeline.call(List.of("w10 w11"), Map.of()));
            assertTrue(error.getMessage().contains("No mask_token ([MASK]) found"), error.getMessage());
        }
    }
}
