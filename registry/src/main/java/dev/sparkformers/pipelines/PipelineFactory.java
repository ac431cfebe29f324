package dev.sparkformers.pipelines;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Builds the pipeline of one task from a checkpoint directory, HuggingFace's entry in
 * {@code SUPPORTED_TASKS}. {@link Pipelines} discovers factories with {@link java.util.ServiceLoader}:
 * list an implementation in {@code META-INF/services/dev.sparkformers.pipelines.PipelineFactory}
 * of a jar, and {@code Pipelines.create} finds its task in every JVM that has the jar, Spark
 * executors included. Implementations need a public no-argument constructor.
 */
public interface PipelineFactory {

    /** The task name, for example {@code text-classification}. */
    String task();

    /**
     * Loads the model and tokenizer of {@code directory} for this task.
     *
     * @throws IOException if a file of the checkpoint cannot be read
     * @throws IllegalArgumentException if the checkpoint or a setting does not suit the task
     */
    Pipeline<?, ?, ?> create(Path directory, PipelineOptions options) throws IOException;
}
