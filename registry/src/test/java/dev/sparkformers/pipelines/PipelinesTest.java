package dev.sparkformers.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkformers.examples.TokenCountPipeline;
import dev.sparkformers.testing.TestCheckpoints;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The registry of pipelines by task name. */
class PipelinesTest {

    @TempDir
    Path dir;

    @Test
    void builtInTasksAreKnown() {
        assertTrue(Pipelines.tasks().containsAll(List.of(FeatureExtractionPipeline.TASK,
                SentenceEmbeddingPipeline.TASK, TextClassificationPipeline.TASK, FillMaskPipeline.TASK,
                TextGenerationPipeline.TASK, EmbeddingClassificationPipeline.TASK)), Pipelines.tasks().toString());
    }

    @Test
    void unknownTaskListsKnownTasks() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Pipelines.create("summarisation", dir));
        assertTrue(error.getMessage().contains("Unknown task 'summarisation'"), error.getMessage());
        assertTrue(error.getMessage().contains(TextGenerationPipeline.TASK), error.getMessage());
    }

    @Test
    void userTaskFromServicesFile() throws Exception {
        assertTrue(Pipelines.tasks().contains(TokenCountPipeline.TASK), Pipelines.tasks().toString());
        Path checkpoint = TestCheckpoints.tinyGpt2WithTokenizer("tiny-gpt2", dir.resolve("gpt2"));
        try (Pipeline<?, ?, ?> pipeline = Pipelines.create(TokenCountPipeline.TASK, checkpoint)) {
            TokenCountPipeline counter = assertInstanceOf(TokenCountPipeline.class, pipeline);
            int tokens = counter.tokenizer().encode("Hello world").length();
            assertEquals(List.of(tokens), counter.call(List.of("Hello world"), Map.of()));
        }
    }

    @Test
    void registeringAnotherFactoryForATaskFails() {
        PipelineFactory impostor = new PipelineFactory() {
            @Override
            public String task() {
                return TextGenerationPipeline.TASK;
            }

            @Override
            public Pipeline<?, ?, ?> create(Path directory, PipelineOptions options) {
                throw new UnsupportedOperationException();
            }
        };
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> Pipelines.register(impostor));
        assertTrue(error.getMessage().contains("already registered"), error.getMessage());
    }
}
