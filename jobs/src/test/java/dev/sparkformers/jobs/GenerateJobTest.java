package dev.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkformers.auto.AutoModelForCausalLM;
import dev.sparkformers.examples.Gpt2ToMyGpt;
import dev.sparkformers.examples.MyGptConfig;
import dev.sparkformers.examples.MyGptForCausalLM;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.models.gpt2.GPT2Config;
import dev.sparkformers.testing.TestCheckpoints;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * The generate job in local mode on tiny-gpt2 (the hf-golden checkpoint) with GPT-2's tokenizer
 * trimmed to the model's 1000 ids (see {@link TestCheckpoints}), and on the same weights loaded
 * into the {@code my_gpt} example model, which executors find only through its services file.
 */
class GenerateJobTest {

    @TempDir
    static Path dir;

    private static SparkSession spark;
    private static Path gpt2;
    private static Path prompts;

    @BeforeAll
    static void setUp() throws Exception {
        spark = LocalSpark.get();
        gpt2 = TestCheckpoints.tinyGpt2WithTokenizer("tiny-gpt2", dir.resolve("tiny-gpt2"));
        List<String> lines = new ArrayList<>();
        String[] texts = {"The quick brown fox", "Once upon a time", "In the beginning", "Hello", "A short tale of",
            "Water flows", "We the people", "It was the best of times"};
        for (int id = 1; id <= 24; id++) {
            lines.add("{\"id\": " + id + ", \"text\": \"" + texts[id % texts.length] + "\"}");
        }
        prompts = dir.resolve("prompts.jsonl");
        Files.write(prompts, lines);
    }

    private static Map<Long, long[]> run(Path model, String name, Map<String, String> generation, long seed,
            int partitions) throws Exception {
        String output = dir.resolve(name).toString();
        GenerateOptions defaults = GenerateOptions.defaults(prompts.toString(), output, model.toString());
        PipelineJobs.Io io = defaults.io();
        GenerateOptions options = defaults.withGeneration(generation).withSeed(seed)
                .withIo(new PipelineJobs.Io(io.job(), io.input(), io.format(), io.output(), io.mode(), io.idColumns(),
                        io.textColumn(), partitions, io.maxErrorFraction()));
        JobSummary summary = GenerateJob.run(spark, options);
        assertEquals(24, summary.rows());
        assertEquals(0, summary.errors());

        Map<Long, long[]> ids = new TreeMap<>();
        for (Row row : spark.read().parquet(output).collectAsList()) {
            List<Long> generated = row.getList(row.fieldIndex("generated_ids"));
            ids.put(row.getLong(row.fieldIndex("id")), generated.stream().mapToLong(Long::longValue).toArray());
            String reason = row.getString(row.fieldIndex("finish_reason"));
            assertTrue(reason.equals("eos") || reason.equals("length"), reason);
            assertTrue(row.getString(row.fieldIndex("generated_text")).length() > 0);
        }
        return ids;
    }

    @Test
    void greedyWritesEveryPrompt() throws Exception {
        String output = dir.resolve("greedy").toString();
        GenerateJob.run(spark, GenerateOptions.defaults(prompts.toString(), output, gpt2.toString())
                .withGeneration(Map.of("max_new_tokens", "6")));
        List<Row> rows = spark.read().parquet(output).collectAsList();
        assertEquals(24, rows.size());
        for (Row row : rows) {
            List<Long> generated = row.getList(row.fieldIndex("generated_ids"));
            String reason = row.getString(row.fieldIndex("finish_reason"));
            if (reason.equals("length")) {
                assertEquals(6, generated.size());
            } else {
                assertEquals(TestCheckpoints.TINY_GPT2_EOS, (long) generated.get(generated.size() - 1));
            }
            assertTrue(row.getInt(row.fieldIndex("n_tokens")) >= 1);
        }
    }

    @Test
    void seededSamplingIsReproducibleAcrossPartitionings() throws Exception {
        Map<String, String> sampling = Map.of("max_new_tokens", "8", "do_sample", "true", "top_k", "50");
        Map<Long, long[]> first = run(gpt2, "sample-a", sampling, 11, 2);
        Map<Long, long[]> second = run(gpt2, "sample-b", sampling, 11, 5);
        Map<Long, long[]> otherSeed = run(gpt2, "sample-c", sampling, 12, 2);

        int differing = 0;
        for (long id : first.keySet()) {
            assertArrayEquals(first.get(id), second.get(id), "prompt " + id);
            differing += java.util.Arrays.equals(first.get(id), otherSeed.get(id)) ? 0 : 1;
        }
        assertTrue(differing > 0, "another job seed changes the samples");
        // Rows with the same prompt text have different ids, so different seeds and samples.
        assertNotEquals(java.util.Arrays.toString(first.get(1L)), java.util.Arrays.toString(first.get(9L)));
    }

    @Test
    void customModelResolvesOnExecutorsByModelType() throws Exception {
        Path myGpt = dir.resolve("my-gpt");
        GPT2Config gpt2Config = GPT2Config.fromPretrained(gpt2, GPT2Config.class);
        MyGptConfig config = Gpt2ToMyGpt.config(gpt2Config);
        config.setEosTokenId(TestCheckpoints.TINY_GPT2_EOS);
        config.setBosTokenId(TestCheckpoints.TINY_GPT2_EOS);
        try (MyGptForCausalLM model = Gpt2ToMyGpt.MAPPING.load(gpt2, config, MyGptForCausalLM::new,
                LoadOptions.defaults())) {
            model.savePretrained(myGpt);
        }
        TestCheckpoints.writeTinyGpt2Tokenizer(myGpt);

        // Each partition loads the checkpoint by model_type alone, as an executor of a cluster would.
        String location = myGpt.toString();
        List<String> classes = new JavaSparkContext(spark.sparkContext())
                .parallelize(IntStream.range(0, 4).boxed().toList(), 4)
                .map(partition -> {
                    try (PreTrainedModel<?> model = AutoModelForCausalLM.fromPretrained(Path.of(location))) {
                        return model.getClass().getName();
                    }
                })
                .collect();
        assertEquals(List.of(MyGptForCausalLM.class.getName()), classes.stream().distinct().toList());

        Map<String, String> greedy = Map.of("max_new_tokens", "8");
        Map<Long, long[]> fromGpt2 = run(gpt2, "greedy-gpt2", greedy, 0, 2);
        Map<Long, long[]> fromMyGpt = run(myGpt, "greedy-my-gpt", greedy, 0, 3);
        for (long id : fromGpt2.keySet()) {
            assertArrayEquals(fromGpt2.get(id), fromMyGpt.get(id), "prompt " + id);
        }
    }
}
