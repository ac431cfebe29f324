package dev.sparkformers.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkformers.models.bert.BertConfig;
import dev.sparkformers.models.bert.BertModel;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.testing.MiniLm;
import dev.sparkformers.tokenization.AutoTokenizer;
import dev.sparkformers.tokenization.Encoding;
import dev.sparkformers.tokenization.PreTrainedTokenizer;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Row accounting of the runner: per-row errors, split-and-retry of failing batches, out-of-memory handling. */
class PipelineRunnerTest {

    private static PreTrainedTokenizer tokenizer;
    private static PreTrainedModel<?> model;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = AutoTokenizer.fromPretrained(MiniLm.checkpoint());
        model = PreTrainedModel.fromConfig(new BertConfig().setHiddenSize(8).setNumAttentionHeads(2)
                .setNumHiddenLayers(1).setIntermediateSize(8), BertModel::new, LoadOptions.defaults());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
        model.close();
    }

    @Test
    void outOfMemoryBatchIsSplitUntilItFits() {
        // The model "runs out of memory" for batches of more than two rows.
        FakePipeline pipeline = new FakePipeline(batch -> {
            if (batch.size() > 2) {
                throw new IllegalStateException("DefaultCPUAllocator: can't allocate memory: you tried to allocate 1 GB");
            }
        });
        List<String> inputs = List.of("one", "two", "three", "four", "five", "six", "seven");
        List<RowResult<Integer>> results = new PipelineRunner<>(pipeline, new TokenBudgetBatcher(10_000, 64))
                .run(inputs, StageParameters.none());

        assertEquals(7, results.size());
        for (int i = 0; i < inputs.size(); i++) {
            assertTrue(results.get(i).succeeded(), "row " + i + ": " + results.get(i).error());
            assertEquals(pipeline.tokenizer().encode(inputs.get(i)).length(), results.get(i).value());
        }
        assertTrue(pipeline.largestSuccessfulBatch <= 2);
    }

    @Test
    void engineAllocationFailureCountsAsOutOfMemory() {
        // 2^60 float32 values (4 EiB) exceed any 64-bit address space, so PyTorch's allocator
        // fails at once and nothing is allocated.
        RuntimeException e = assertThrows(RuntimeException.class,
                () -> model.manager().create(new ai.djl.ndarray.types.Shape(1L << 30, 1L << 30)).close());
        assertTrue(PipelineRunner.isOutOfMemory(e), "not recognised as out of memory: " + e);
    }

    @Test
    void singleRowOutOfMemoryFailsTheCall() {
        FakePipeline pipeline = new FakePipeline(batch -> {
            throw new IllegalStateException("CUDA out of memory. Tried to allocate 20.00 GiB");
        });
        PipelineException e = assertThrows(PipelineException.class, () -> new PipelineRunner<>(pipeline,
                new TokenBudgetBatcher(10_000, 64)).run(List.of("a", "b"), StageParameters.none()));
        assertTrue(e.getMessage().contains("does not fit in memory"), e.getMessage());
    }

    @Test
    void badRowFailsAloneAndOthersSucceed() {
        FakePipeline pipeline = new FakePipeline(batch -> {
            for (Encoding encoding : batch) {
                if (Arrays.stream(encoding.tokens()).anyMatch("poison"::equals)) {
                    throw new IllegalArgumentException("cannot handle poison");
                }
            }
        });
        List<String> inputs = new ArrayList<>(List.of("a", "b", "poison", "c", "d"));
        inputs.add(null);
        List<RowResult<Integer>> results = new PipelineRunner<>(pipeline, new TokenBudgetBatcher(10_000, 64))
                .run(inputs, StageParameters.none());
        assertEquals(6, results.size());
        assertTrue(results.get(2).error().contains("cannot handle poison"), results.get(2).error());
        assertEquals("input is null", results.get(5).error());
        for (int i : new int[] {0, 1, 3, 4}) {
            assertNull(results.get(i).error());
        }
    }

    @Test
    void oneMegabyteTextIsTruncatedNotLost() {
        FakePipeline pipeline = new FakePipeline(batch -> { });
        String huge = "word ".repeat(200_000);
        List<RowResult<Integer>> results = new PipelineRunner<>(pipeline, new TokenBudgetBatcher(10_000, 64))
                .run(List.of(huge, "short"), StageParameters.none());
        assertTrue(results.get(0).truncated());
        assertEquals(200_002, results.get(0).numTokens());
        assertEquals(16, results.get(0).modelTokens());
        assertTrue(results.get(1).succeeded());
    }

    @Test
    void unicodeEdgeCasesEncode() {
        FakePipeline pipeline = new FakePipeline(batch -> { });
        List<String> inputs = List.of("e\u0301 combining acute, a\u0308\u0323 stacked marks",
                "\u202eright-to-left override\u202c and \u05e9\u05dc\u05d5\u05dd", "control \u0001\u0002\u0007 chars",
                "\u200b\u200c\u200d zero-width", "");
        List<RowResult<Integer>> results = new PipelineRunner<>(pipeline, new TokenBudgetBatcher(10_000, 64))
                .run(inputs, StageParameters.none());
        for (int i = 0; i < inputs.size(); i++) {
            assertTrue(results.get(i).succeeded(), "input " + i + ": " + results.get(i).error());
        }
    }

    /** A pipeline whose forward returns each row's length, after a check that may throw. */
    private static final class FakePipeline extends Pipeline<String, Integer, Integer> {

        private final java.util.function.Consumer<List<Encoding>> check;
        int largestSuccessfulBatch;

        FakePipeline(java.util.function.Consumer<List<Encoding>> check) {
            super(model, tokenizer);
            this.check = check;
        }

        @Override
        public String task() {
            return "fake";
        }

        @Override
        public StageParameters sanitizeParameters(Map<String, ?> parameters) {
            return StageParameters.none();
        }

        @Override
        public Encoding preprocess(String input, Map<String, Object> parameters) {
            return tokenizer().encode(input, dev.sparkformers.tokenization.EncodeOptions.builder().truncation(true)
                    .maxLength(16).build());
        }

        @Override
        public List<Integer> forward(List<Encoding> batch, Map<String, Object> parameters) {
            check.accept(batch);
            largestSuccessfulBatch = Math.max(largestSuccessfulBatch, batch.size());
            return batch.stream().map(Encoding::length).toList();
        }

        @Override
        public Integer postprocess(Integer raw, Encoding input, Map<String, Object> parameters) {
            return raw;
        }

        @Override
        public void close() {
        }
    }
}
