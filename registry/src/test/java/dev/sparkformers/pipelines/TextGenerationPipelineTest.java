package dev.sparkformers.pipelines;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;

import dev.sparkformers.testing.Golden;
import dev.sparkformers.testing.TestCheckpoints;
import dev.sparkformers.tokenization.Encoding;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The text-generation pipeline on tiny-gpt2 with the trimmed GPT-2 tokenizer of
 * {@link TestCheckpoints}: greedy ids against HuggingFace's generate on the reference prompts,
 * decoding as HuggingFace's pipeline decodes, and reproducible sampling.
 */
class TextGenerationPipelineTest {

    @TempDir
    static Path dir;

    private static Path checkpoint;

    @BeforeAll
    static void writeCheckpoint() {
        checkpoint = TestCheckpoints.tinyGpt2WithTokenizer("tiny-gpt2", dir.resolve("tiny-gpt2"));
    }

    private static TextGenerationPipeline open() throws Exception {
        return (TextGenerationPipeline) Pipelines.create(TextGenerationPipeline.TASK, checkpoint);
    }

    @Test
    void greedyIdsMatchReferenceOnLeftPaddedBatch() throws Exception {
        try (Golden golden = Golden.open("tiny-gpt2"); TextGenerationPipeline pipeline = open()) {
            List<Encoding> prompts = GoldenEncodings.rows(golden, "gen", 4);
            StageParameters parameters = pipeline.sanitizeParameters(Map.of("max_new_tokens", 8, "do_sample", false));
            List<GenerationResult> results = pipeline.forward(prompts, parameters.forward());

            JsonNode expected = golden.json().path("generation").path("modes").path("greedy").path("new_tokens");
            for (int row = 0; row < prompts.size(); row++) {
                long[] tokens = new long[expected.get(row).size()];
                for (int i = 0; i < tokens.length; i++) {
                    tokens[i] = expected.get(row).get(i).asLong();
                }
                assertArrayEquals(tokens, results.get(row).sequences().get(0), "prompt " + row);
                assertEquals(GeneratedText.LENGTH, results.get(row).finishReasons().get(0));
            }
        }
    }

    @Test
    void textDecodesLikeHuggingFace() throws Exception {
        try (TextGenerationPipeline pipeline = open()) {
            String prompt = "The quick brown fox";
            List<GeneratedText> full = pipeline.call(List.of(Prompt.of(prompt)), Map.of("max_new_tokens", 6)).get(0);
            List<GeneratedText> fresh = pipeline.call(List.of(Prompt.of(prompt)),
                    Map.of("max_new_tokens", 6, "return_full_text", false)).get(0);
            assertEquals(1, full.size());
            assertEquals(6, full.get(0).generatedIds().length);
            assertEquals(prompt + fresh.get(0).generatedText(), full.get(0).generatedText());
            assertEquals(pipeline.tokenizer().decode(full.get(0).generatedIds(), true, true),
                    fresh.get(0).generatedText());
        }
    }

    @Test
    void eosEndsWithFinishReasonEos() throws Exception {
        try (TextGenerationPipeline pipeline = open()) {
            // Declaring the model's greedy first token the end-of-sequence token stops generation there.
            Prompt prompt = Prompt.of("Hello world");
            long first = pipeline.call(List.of(prompt), Map.of("max_new_tokens", 1)).get(0).get(0).generatedIds()[0];
            List<GeneratedText> stopped = pipeline.call(List.of(prompt),
                    Map.of("max_new_tokens", 5, "eos_token_id", (int) first)).get(0);
            assertEquals(GeneratedText.EOS, stopped.get(0).finishReason());
            assertArrayEquals(new long[] {first}, stopped.get(0).generatedIds());
        }
    }

    @Test
    void seededSamplingIsReproducible() throws Exception {
        try (TextGenerationPipeline pipeline = open()) {
            Map<String, Object> sampling = new HashMap<>();
            sampling.put("max_new_tokens", 10);
            sampling.put("do_sample", true);
            sampling.put("top_k", 50);
            Prompt seeded = Prompt.of("Once upon a time", 42L);

            long[] first = pipeline.call(List.of(seeded), sampling).get(0).get(0).generatedIds();
            long[] again = pipeline.call(List.of(seeded), sampling).get(0).get(0).generatedIds();
            assertArrayEquals(first, again);

            // The same prompt and seed inside a batch of other prompts samples the same tokens.
            List<Prompt> batch = new ArrayList<>(List.of(Prompt.of("A", 7L), seeded, Prompt.of("Short and then long", 9L)));
            long[] batched = pipeline.call(batch, sampling).get(1).get(0).generatedIds();
            assertArrayEquals(first, batched);

            long[] otherSeed = pipeline.call(List.of(Prompt.of("Once upon a time", 43L)), sampling).get(0).get(0)
                    .generatedIds();
            assertNotEquals(java.util.Arrays.toString(first), java.util.Arrays.toString(otherSeed));
        }
    }

    @Test
    void unknownGenerationArgumentFails() throws Exception {
        try (TextGenerationPipeline pipeline = open()) {
            IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                    () -> pipeline.sanitizeParameters(Map.of("max_new_tokenz", 3)));
            assertTrue(error.getMessage().contains("max_new_tokenz"), error.getMessage());
        }
    }

    @Test
    void factoryPadsLeftWithEos() throws Exception {
        try (TextGenerationPipeline pipeline = open()) {
            assertEquals(TestCheckpoints.TINY_GPT2_EOS, pipeline.tokenizer().padTokenId().getAsLong());
            assertEquals(dev.sparkformers.tokenization.Side.LEFT, pipeline.tokenizer().paddingSide());
        }
    }
}
