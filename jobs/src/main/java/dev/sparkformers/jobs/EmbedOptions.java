package dev.sparkformers.jobs;

import dev.sparkformers.udfs.ModelLocations;
import dev.sparkformers.udfs.PartitionSettings;

import java.util.List;
import java.util.Objects;

/**
 * Settings of one embed job run.
 *
 * @param input corpus location (any Hadoop URI or local path)
 * @param inputFormat corpus format, or null to infer it from the input's name
 * @param output Parquet output location
 * @param mode what to do when the output exists
 * @param model checkpoint location, or {@link ModelLocations#DEFAULT_EMBEDDING_MODEL}
 * @param idColumns columns copied to the output to identify rows
 * @param textColumn column holding the text
 * @param maxLength longest input in tokens, or null for the model's own limit
 * @param pooling pooling mode name, or null for the checkpoint's
 * @param normalize whether to L2-normalise, or null for the checkpoint's setting
 * @param tokenEmbeddings whether to write per-token hidden states instead of pooled embeddings
 * @param partition chunking and batching of each partition
 * @param partitions number of partitions to spread the input over, or null to use at least the
 *     default parallelism
 * @param device {@code auto}, {@code cpu} or {@code gpu}
 * @param dtype the weights' type: {@code float32}, {@code float16} (GPU only) or {@code auto}
 * @param maxErrorFraction the job fails when a larger fraction of rows has errors
 * @param chunking whether texts longer than the maximum length are truncated or embedded in
 *     windows and averaged, and the windows' size and stride
 * @param shipModel whether to broadcast the checkpoint's files from the driver instead of letting
 *     executors read the model location themselves
 */
public record EmbedOptions(String input, InputFormat inputFormat, String output, WriteMode mode, String model,
        List<String> idColumns, String textColumn, Integer maxLength, String pooling, Boolean normalize,
        boolean tokenEmbeddings, PartitionSettings partition, Integer partitions, String device, String dtype,
        double maxErrorFraction, LongTextChunking chunking, boolean shipModel) {

    public EmbedOptions {
        Objects.requireNonNull(input, "input is null");
        Objects.requireNonNull(output, "output is null");
        Objects.requireNonNull(chunking, "chunking is null");
        idColumns = List.copyOf(idColumns);
        PipelineJobs.checkDtype(device, dtype);
        if (tokenEmbeddings && chunking.enabled()) {
            throw new IllegalArgumentException("--chunk-long-texts applies to --output-value sentence_embedding only;"
                    + " token_embeddings has one vector per token of the truncated text");
        }
        if (chunking.aggregation() != null) {
            throw new IllegalArgumentException("--chunk-aggregation applies to classify only; embed averages the"
                    + " window embeddings");
        }
        if (maxLength != null && maxLength < 1) {
            throw new IllegalArgumentException("--max-length must be positive, but is " + maxLength);
        }
        if (partitions != null && partitions < 1) {
            throw new IllegalArgumentException("--partitions must be positive, but is " + partitions);
        }
        if (!(maxErrorFraction >= 0 && maxErrorFraction <= 1)) {
            throw new IllegalArgumentException("--max-error-fraction must be between 0 and 1, but is "
                    + maxErrorFraction);
        }
    }

    /** Options for {@code input} and {@code output} with every other setting at its default. */
    public static EmbedOptions defaults(String input, String output) {
        return new EmbedOptions(input, null, output, WriteMode.ERROR_IF_EXISTS, ModelLocations.DEFAULT_EMBEDDING_MODEL,
                List.of("id"), "text", null, null, null, false, PartitionSettings.defaults(), null, "auto",
                "float32", 1.0,
                LongTextChunking.TRUNCATE, false);
    }

    public EmbedOptions withMode(WriteMode newMode) {
        return new EmbedOptions(input, inputFormat, output, newMode, model, idColumns, textColumn, maxLength, pooling,
                normalize, tokenEmbeddings, partition, partitions, device, dtype,
                maxErrorFraction, chunking, shipModel);
    }

    public EmbedOptions withModel(String newModel) {
        return new EmbedOptions(input, inputFormat, output, mode, newModel, idColumns, textColumn, maxLength, pooling,
                normalize, tokenEmbeddings, partition, partitions, device, dtype,
                maxErrorFraction, chunking, shipModel);
    }

    public EmbedOptions withColumns(List<String> newIdColumns, String newTextColumn) {
        return new EmbedOptions(input, inputFormat, output, mode, model, newIdColumns, newTextColumn, maxLength,
                pooling, normalize, tokenEmbeddings, partition, partitions, device, dtype, maxErrorFraction, chunking,
                shipModel);
    }

    public EmbedOptions withPartition(PartitionSettings newPartition, Integer newPartitions) {
        return new EmbedOptions(input, inputFormat, output, mode, model, idColumns, textColumn, maxLength, pooling,
                normalize, tokenEmbeddings, newPartition, newPartitions, device, dtype,
                maxErrorFraction, chunking, shipModel);
    }

    public EmbedOptions withTokenEmbeddings(boolean newTokenEmbeddings) {
        return new EmbedOptions(input, inputFormat, output, mode, model, idColumns, textColumn, maxLength, pooling,
                normalize, newTokenEmbeddings, partition, partitions, device, dtype,
                maxErrorFraction, chunking, shipModel);
    }

    public EmbedOptions withMaxErrorFraction(double fraction) {
        return new EmbedOptions(input, inputFormat, output, mode, model, idColumns, textColumn, maxLength, pooling,
                normalize, tokenEmbeddings, partition, partitions, device, dtype, fraction, chunking, shipModel);
    }

    public EmbedOptions withInputFormat(InputFormat format) {
        return new EmbedOptions(input, format, output, mode, model, idColumns, textColumn, maxLength, pooling,
                normalize, tokenEmbeddings, partition, partitions, device, dtype,
                maxErrorFraction, chunking, shipModel);
    }

    public EmbedOptions withPooling(String newPooling, Boolean newNormalize, Integer newMaxLength) {
        return new EmbedOptions(input, inputFormat, output, mode, model, idColumns, textColumn, newMaxLength,
                newPooling, newNormalize, tokenEmbeddings, partition, partitions, device, dtype, maxErrorFraction,
                chunking, shipModel);
    }

    public EmbedOptions withChunking(LongTextChunking newChunking) {
        return new EmbedOptions(input, inputFormat, output, mode, model, idColumns, textColumn, maxLength, pooling,
                normalize, tokenEmbeddings, partition, partitions, device, dtype,
                maxErrorFraction, newChunking, shipModel);
    }

    public EmbedOptions withShipModel(boolean newShipModel) {
        return new EmbedOptions(input, inputFormat, output, mode, model, idColumns, textColumn, maxLength, pooling,
                normalize, tokenEmbeddings, partition, partitions, device, dtype, maxErrorFraction, chunking,
                newShipModel);
    }
}
