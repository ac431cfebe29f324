package dev.sparkformers.jobs;

import dev.sparkformers.udfs.PartitionSettings;

import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command-line options that the classify and generate commands share with embed: input and
 * output, columns, batching, partitions, device, dtype, error tolerance and Spark settings.
 */
final class CommonJobOptions {

    @Option(names = "--config", paramLabel = "URI",
            description = "YAML job configuration: long option names without dashes as keys (batch-tokens: 4096),"
                    + " Spark settings under conf. Options on the command line override it. See conf/embed.yaml.")
    String config;

    @Option(names = "--input", paramLabel = "URI",
            description = "Required. Corpus: a file, directory or glob on any Hadoop file system (local paths, file:, s3a:, hdfs:).")
    String input;

    @Option(names = "--output", paramLabel = "URI",
            description = "Parquet output directory. Required, except by embed --incremental, which writes to --state.")
    String output;

    @Option(names = "--input-format", paramLabel = "FORMAT",
            description = "parquet, json (JSON lines), csv (with header) or text (one document per line, id = line"
                    + " number). Default: inferred from the input's extension.")
    String inputFormat;

    @Option(names = "--id-col", paramLabel = "NAME", split = ",", defaultValue = "id",
            description = "Id column(s) copied to the output; repeat or separate with commas. Default: ${DEFAULT-VALUE}.")
    List<String> idColumns;

    @Option(names = "--text-col", paramLabel = "NAME", defaultValue = "text",
            description = "Column with the input texts. Default: ${DEFAULT-VALUE}.")
    String textColumn;

    @Option(names = "--batch-tokens", paramLabel = "N", defaultValue = "2048",
            description = "Padded input tokens per model call (rows x longest row). Default: ${DEFAULT-VALUE}.")
    int batchTokens;

    @Option(names = "--max-batch-size", paramLabel = "N", defaultValue = "256",
            description = "Rows per model call. Default: ${DEFAULT-VALUE}.")
    int maxBatchSize;

    @Option(names = "--chunk-rows", paramLabel = "N", defaultValue = "1024",
            description = "Rows read, sorted by length and batched together in each task. Default: ${DEFAULT-VALUE}.")
    int chunkRows;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "errorifexists",
            description = "When the output exists: errorifexists, overwrite or append. Default: ${DEFAULT-VALUE}.")
    String mode;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Spread the input over N partitions. Default: at least Spark's default parallelism.")
    Integer partitions;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "auto",
            description = "auto (the GPU Spark assigns to a task, else CPU), cpu or gpu. Default: ${DEFAULT-VALUE}.")
    String device;

    @Option(names = "--dtype", paramLabel = "DTYPE", defaultValue = "float32",
            description = "Floating-point type of the model weights, as HuggingFace's dtype argument: float32,"
                    + " float16 (GPU executors only; the forward pass runs in half precision and embeddings are"
                    + " returned as float32) or auto (the checkpoint's torch_dtype, float16 only on a GPU)."
                    + " Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--max-error-fraction", paramLabel = "F", defaultValue = "1.0",
            description = "Fail the job when more than this fraction of rows has an error. Default: ${DEFAULT-VALUE}.")
    double maxErrorFraction;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master. Default: what spark-submit set, else local[*].")
    String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Extra Spark setting; repeatable.")
    Map<String, String> sparkSettings = new LinkedHashMap<>();

    /** The input, output and failure settings of a job called {@code job}. */
    PipelineJobs.Io io(String job) {
        if (output == null) {
            throw new IllegalArgumentException("--output URI is required (on the command line, or as 'output' in"
                    + " the --config file): the Parquet directory the " + job + " job writes");
        }
        return io(job, output);
    }

    /** The job's input and output settings, checked, with {@code target} as the output location. */
    PipelineJobs.Io io(String job, String target) {
        if (input == null) {
            throw new IllegalArgumentException("--input URI is required (on the command line, or as 'input' in the"
                    + " --config file): the corpus the " + job + " job reads");
        }
        if (partitions != null && partitions < 1) {
            throw new IllegalArgumentException("--partitions must be positive, but is " + partitions);
        }
        if (!(maxErrorFraction >= 0 && maxErrorFraction <= 1)) {
            throw new IllegalArgumentException("--max-error-fraction must be between 0 and 1, but is "
                    + maxErrorFraction);
        }
        return new PipelineJobs.Io(job, input, inputFormat == null ? null : InputFormat.fromName(inputFormat), target,
                WriteMode.fromName(mode), idColumns, textColumn, partitions, maxErrorFraction);
    }

    /** How each task reads and batches its partition. */
    PartitionSettings partition() {
        return new PartitionSettings(chunkRows, batchTokens, maxBatchSize);
    }
}
