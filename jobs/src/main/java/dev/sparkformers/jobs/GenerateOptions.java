package dev.sparkformers.jobs;

import dev.sparkformers.udfs.PartitionSettings;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Settings of one generate job run.
 *
 * @param io input, output, columns and error tolerance
 * @param model checkpoint location of a causal language model with its tokenizer
 * @param generation generation settings as HuggingFace's {@code generate} keyword arguments
 *     ({@code max_new_tokens}, {@code do_sample}, {@code temperature}, ...), as strings
 * @param returnFullText whether {@code generated_text} starts with the prompt
 * @param seed the job seed; each row samples with a seed derived from it and the row's id columns
 * @param partition chunking and batching of each partition
 * @param device {@code auto}, {@code cpu} or {@code gpu}
 * @param dtype the weights' type: {@code float32}, {@code float16} (GPU only) or {@code auto}
 */
public record GenerateOptions(PipelineJobs.Io io, String model, Map<String, String> generation, boolean returnFullText,
        long seed, PartitionSettings partition, String device, String dtype) {

    public GenerateOptions {
        Objects.requireNonNull(io, "io is null");
        Objects.requireNonNull(model, "model is null");
        generation = Map.copyOf(new TreeMap<>(generation));
        PipelineJobs.checkDtype(device, dtype);
    }

    /**
     * Options for reading {@code input} (JSON lines, columns {@code id} and {@code text}) and
     * continuing each text with {@code model}, with the model's generation settings and seed 0.
     */
    public static GenerateOptions defaults(String input, String output, String model) {
        return new GenerateOptions(new PipelineJobs.Io("generate", input, null, output, WriteMode.ERROR_IF_EXISTS,
                List.of("id"), "text", null, 1.0), model, Map.of(), true, 0, PartitionSettings.defaults(),
                "auto", "float32");
    }

    public GenerateOptions withGeneration(Map<String, String> newGeneration) {
        return new GenerateOptions(io, model, newGeneration, returnFullText, seed, partition, device, dtype);
    }

    public GenerateOptions withSeed(long newSeed) {
        return new GenerateOptions(io, model, generation, returnFullText, newSeed, partition, device, dtype);
    }

    public GenerateOptions withIo(PipelineJobs.Io newIo) {
        return new GenerateOptions(newIo, model, generation, returnFullText, seed, partition, device, dtype);
    }

    public GenerateOptions withPartition(PartitionSettings newPartition) {
        return new GenerateOptions(io, model, generation, returnFullText, seed, newPartition, device, dtype);
    }
}
