package dev.sparkformers.jobs;

import dev.sparkformers.pipelines.FeatureExtractionPipeline;
import dev.sparkformers.pipelines.PoolingMode;
import dev.sparkformers.pipelines.SentenceEmbeddingPipeline;
import dev.sparkformers.udfs.EmbeddingColumns;
import dev.sparkformers.udfs.ExecutorPipelines;
import dev.sparkformers.udfs.ModelHandle;
import dev.sparkformers.udfs.OutputColumns;
import dev.sparkformers.udfs.PipelinePartitionFunction;
import dev.sparkformers.udfs.RunCounters;
import dev.sparkformers.udfs.ShippedCheckpoint;
import dev.sparkformers.udfs.TaskDevices;
import dev.sparkformers.udfs.TokenEmbeddingColumns;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The embed job: reads a corpus, embeds every text with a HuggingFace encoder on the executors,
 * and writes Parquet with the id columns, {@code embedding} (or {@code token_embeddings}),
 * {@code n_tokens}, {@code truncated} and {@code error}.
 *
 * <p>The driver checks the model, the input columns and the output location before any executor
 * work; broadcasts a small {@link ModelHandle}; and, after the write, checks that every input row
 * came out exactly once. Footer metadata of every Parquet file records the model, its
 * fingerprint, the pooling, normalisation, dimension and library version.
 */
public final class EmbedJob {

    /** Version written into output metadata. */
    public static final String LIBRARY_VERSION = "0.1.0";

    private static final Logger LOG = LoggerFactory.getLogger(EmbedJob.class);

    private EmbedJob() {}

    /**
     * Runs the job on {@code spark}.
     *
     * @throws IllegalArgumentException for options that cannot work (missing columns, existing output, ...)
     * @throws JobFailedException when rows went missing or too many rows failed
     */
    public static JobSummary run(SparkSession spark, EmbedOptions options) throws IOException {
        long start = System.nanoTime();
        Configuration conf = spark.sparkContext().hadoopConfiguration();

        PipelineJobs.Io io = new PipelineJobs.Io("embed", options.input(), options.inputFormat(), options.output(),
                options.mode(), options.idColumns(), options.textColumn(), options.partitions(),
                options.maxErrorFraction());
        Dataset<Row> input = PipelineJobs.readInput(spark, io);
        ResolvedModel model = ResolvedModel.resolve(options.model(), conf);

        Map<String, String> parameters = new HashMap<>();
        if (options.maxLength() != null) {
            parameters.put("max_length", options.maxLength().toString());
        }
        PoolingMode pooling = pooling(options, model);
        boolean normalize = normalize(options, model);
        if (!options.tokenEmbeddings()) {
            parameters.put("pooling", pooling.configName());
            parameters.put("normalize", Boolean.toString(normalize));
        }
        options.chunking().addTo(parameters);

        String task = options.tokenEmbeddings() ? FeatureExtractionPipeline.TASK : SentenceEmbeddingPipeline.TASK;
        ModelHandle handle = new ModelHandle(options.model(), model.fingerprint(), model.weightBytes(),
                Map.of(ExecutorPipelines.TASK_SETTING, task, TaskDevices.DEVICE_SETTING, options.device(),
                        ExecutorPipelines.DTYPE_SETTING, options.dtype()));
        ShippedCheckpoint shipped = null;
        if (options.shipModel()) {
            shipped = ShippedCheckpoint.broadcast(JavaSparkContext.fromSparkContext(spark.sparkContext()),
                    model.directory(), model.fingerprint(), ShippedCheckpoint.DEFAULT_CHUNK_BYTES);
            handle = handle.withShipped(shipped);
        }
        try {
            return embed(spark, options, io, input, model, handle, parameters, pooling, normalize, start);
        } finally {
            if (shipped != null) {
                shipped.destroy();
            }
        }
    }

    private static JobSummary embed(SparkSession spark, EmbedOptions options, PipelineJobs.Io io, Dataset<Row> input,
            ResolvedModel model, ModelHandle handle, Map<String, String> parameters, PoolingMode pooling,
            boolean normalize, long start) throws IOException {
        Broadcast<ModelHandle> broadcast = PipelineJobs.broadcast(spark, handle);

        input = PipelineJobs.spread(spark, input, options.partitions());
        long rowsIn = input.count();

        OutputColumns<?> columns = options.tokenEmbeddings() ? new TokenEmbeddingColumns()
                : new EmbeddingColumns(model.hiddenSize());
        RunCounters counters = RunCounters.register(spark.sparkContext());
        PipelinePartitionFunction<?> function = new PipelinePartitionFunction<>(broadcast, input.schema(),
                options.idColumns(), options.textColumn(), parameters, columns, options.partition(), counters);

        Map<String, String> footer = footer(options, model, pooling, normalize);
        LOG.info("Embedding {} rows of {} in {} partitions with {} into {}", rowsIn, options.input(),
                input.rdd().getNumPartitions(), options.model(), options.output());
        return PipelineJobs.runAndWrite(spark, io, input, rowsIn, function, counters, model, footer, start);
    }

    /** The Parquet footer entries that describe how the embeddings were made. */
    static Map<String, String> footer(EmbedOptions options, ResolvedModel model, PoolingMode pooling,
            boolean normalize) {
        Map<String, String> footer = new LinkedHashMap<>();
        footer.put("sparkformers.version", LIBRARY_VERSION);
        footer.put("sparkformers.model", options.model());
        footer.put("sparkformers.model.sha256", model.fingerprint());
        footer.put("sparkformers.model.type", model.config().modelType());
        footer.put("sparkformers.output", options.tokenEmbeddings() ? TokenEmbeddingColumns.TOKEN_EMBEDDINGS
                : EmbeddingColumns.EMBEDDING);
        footer.put("sparkformers.pooling", options.tokenEmbeddings() ? "none" : pooling.configName());
        footer.put("sparkformers.normalize", Boolean.toString(!options.tokenEmbeddings() && normalize));
        footer.put("sparkformers.dimension", Integer.toString(model.hiddenSize()));
        footer.put("sparkformers.max_length", options.maxLength() != null ? options.maxLength().toString() : "model");
        footer.put("sparkformers.chunk_long_texts", Boolean.toString(options.chunking().enabled()));
        if (options.chunking().enabled()) {
            footer.put("sparkformers.chunking", options.chunking().describe());
        }
        return footer;
    }

    /** The pooling the run uses: the option, else the checkpoint's. */
    static PoolingMode pooling(EmbedOptions options, ResolvedModel model) {
        return options.pooling() == null ? model.sentenceTransformers().pooling() : PoolingMode.fromName(options.pooling());
    }

    /** Whether the run normalises: the option, else the checkpoint's setting. */
    static boolean normalize(EmbedOptions options, ResolvedModel model) {
        return options.normalize() == null ? model.sentenceTransformers().normalize() : options.normalize();
    }
}
