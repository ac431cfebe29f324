package dev.sparkformers.jobs;

import dev.sparkformers.udfs.PartitionSettings;

import java.util.List;
import java.util.Objects;

/**
 * Settings of one classify job run.
 *
 * @param io input, output, columns and error tolerance
 * @param model checkpoint location: a sequence-classification model, or with {@code labels} a
 *     sentence-embedding model
 * @param labels location of a labels file (YAML or JSON, any Hadoop URI) for nearest-centroid
 *     classification, or null to use the model's classification head
 * @param topK labels kept in the {@code scores} column, best first, or null for every label
 * @param threshold with labels: the best score below which the label is the unknown label, or
 *     null for the labels file's threshold
 * @param maxLength longest input in tokens, or null for the model's own limit
 * @param chunking whether texts longer than the maximum length are truncated or classified in
 *     windows, and how the windows' scores are combined
 * @param partition chunking and batching of each partition
 * @param device {@code auto}, {@code cpu} or {@code gpu}
 * @param dtype the weights' type: {@code float32}, {@code float16} (GPU only) or {@code auto}
 */
public record ClassifyOptions(PipelineJobs.Io io, String model, String labels, Integer topK, Double threshold,
        Integer maxLength, LongTextChunking chunking, PartitionSettings partition, String device, String dtype) {

    public ClassifyOptions {
        Objects.requireNonNull(io, "io is null");
        Objects.requireNonNull(model, "model is null");
        Objects.requireNonNull(chunking, "chunking is null");
        PipelineJobs.checkDtype(device, dtype);
        if (topK != null && topK < 1) {
            throw new IllegalArgumentException("--top-k must be positive, but is " + topK);
        }
        if (maxLength != null && maxLength < 1) {
            throw new IllegalArgumentException("--max-length must be positive, but is " + maxLength);
        }
        if (threshold != null && labels == null) {
            throw new IllegalArgumentException("--threshold applies to --labels only; a model head has no threshold");
        }
    }

    /**
     * Options for reading {@code input} (JSON lines, columns {@code id} and {@code text}) and
     * classifying with {@code model}, every other setting at its default.
     */
    public static ClassifyOptions defaults(String input, String output, String model) {
        return new ClassifyOptions(new PipelineJobs.Io("classify", input, null, output, WriteMode.ERROR_IF_EXISTS,
                List.of("id"), "text", null, 1.0), model, null, null, null, null, LongTextChunking.TRUNCATE,
                PartitionSettings.defaults(), "auto", "float32");
    }

    public ClassifyOptions withLabels(String newLabels) {
        return new ClassifyOptions(io, model, newLabels, topK, threshold, maxLength, chunking, partition, device,
                dtype);
    }

    public ClassifyOptions withChunking(LongTextChunking newChunking) {
        return new ClassifyOptions(io, model, labels, topK, threshold, maxLength, newChunking, partition, device,
                dtype);
    }

    public ClassifyOptions withTopK(Integer newTopK) {
        return new ClassifyOptions(io, model, labels, newTopK, threshold, maxLength, chunking, partition, device,
                dtype);
    }
}
