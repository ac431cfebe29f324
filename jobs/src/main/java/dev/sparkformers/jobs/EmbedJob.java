package dev.sparkformers.jobs;

import dev.sparkformers.pipelines.FeatureExtractionPipeline;
import dev.sparkformers.pipelines.PoolingMode;
import dev.sparkformers.pipelines.SentenceEmbeddingPipeline;
import dev.sparkformers.udfs.EmbeddingColumns;
import dev.sparkformers.udfs.ExecutorPipelines;
import dev.sparkformers.udfs.MetadataParquetFormat;
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
import org.apache.spark.sql.Encoders;
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

        InputFormat format = options.inputFormat() != null ? options.inputFormat() : InputFormat.infer(options.input());
        JobOutputs.check(options.input(), options.output(), options.mode(), conf);
        Dataset<Row> input = JobInputs.read(spark, options.input(), format);
        JobInputs.checkColumns(input.schema(), options.idColumns(), options.textColumn());
        ResolvedModel model = ResolvedModel.resolve(options.model(), conf);

        Map<String, String> parameters = new HashMap<>();
        if (options.maxLength() != null) {
            parameters.put("max_length", options.maxLength().toString());
        }
        PoolingMode pooling = options.pooling() == null ? model.sentenceTransformers().pooling()
                : PoolingMode.fromName(options.pooling());
        boolean normalize = options.normalize() == null ? model.sentenceTransformers().normalize() : options.normalize();
        if (!options.tokenEmbeddings()) {
            parameters.put("pooling", pooling.configName());
            parameters.put("normalize", Boolean.toString(normalize));
        }

        String task = options.tokenEmbeddings() ? FeatureExtractionPipeline.TASK : SentenceEmbeddingPipeline.TASK;
        ModelHandle handle = new ModelHandle(options.model(), model.fingerprint(), model.weightBytes(),
                Map.of(ExecutorPipelines.TASK_SETTING, task, TaskDevices.DEVICE_SETTING, options.device()));
        ShippedCheckpoint shipped = null;
        if (options.shipModel()) {
            shipped = ShippedCheckpoint.broadcast(JavaSparkContext.fromSparkContext(spark.sparkContext()),
                    model.directory(), model.fingerprint(), ShippedCheckpoint.DEFAULT_CHUNK_BYTES);
            handle = handle.withShipped(shipped);
        }
        try {
            return embed(spark, options, input, model, handle, parameters, pooling, normalize, start);
        } finally {
            if (shipped != null) {
                shipped.destroy();
            }
        }
    }

    private static JobSummary embed(SparkSession spark, EmbedOptions options, Dataset<Row> input, ResolvedModel model,
            ModelHandle handle, Map<String, String> parameters, PoolingMode pooling, boolean normalize, long start)
            throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        Broadcast<ModelHandle> broadcast = spark.sparkContext().broadcast(handle,
                scala.reflect.ClassTag$.MODULE$.apply(ModelHandle.class));

        int parallelism = spark.sparkContext().defaultParallelism();
        int partitions = options.partitions() != null ? options.partitions()
                : Math.max(input.rdd().getNumPartitions(), parallelism);
        if (partitions != input.rdd().getNumPartitions()) {
            input = input.repartition(partitions);
        }
        long rowsIn = input.count();

        OutputColumns<?> columns = options.tokenEmbeddings() ? new TokenEmbeddingColumns()
                : new EmbeddingColumns(model.hiddenSize());
        RunCounters counters = RunCounters.register(spark.sparkContext());
        PipelinePartitionFunction<?> function = new PipelinePartitionFunction<>(broadcast, input.schema(),
                options.idColumns(), options.textColumn(), parameters, columns, options.partition(), counters);
        Dataset<Row> embedded = input.mapPartitions(function, Encoders.row(function.outputSchema()));

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
        LOG.info("Embedding {} rows of {} in {} partitions with {} into {}", rowsIn, options.input(), partitions,
                options.model(), options.output());
        embedded.write()
                .format(MetadataParquetFormat.class.getName())
                .option(MetadataParquetFormat.METADATA_OPTION, MetadataParquetFormat.encode(footer))
                .mode(options.mode().sparkName())
                .save(options.output());

        JobSummary summary = new JobSummary("embed", options.output(), options.model(), model.fingerprint(), rowsIn,
                counters.rows().value(), counters.errors().value(), counters.truncated().value(),
                counters.modelTokens().value(), counters.inputTokens().value(), (System.nanoTime() - start) / 1e9);
        JobOutputs.writeText(options.output(), JobSummary.FILE_NAME, summary.toJson() + "\n", conf);
        LOG.info("Embed job finished: {}", summary.toJson().replaceAll("\\s+", " "));
        checkRows(spark, options, summary);
        return summary;
    }

    private static void checkRows(SparkSession spark, EmbedOptions options, JobSummary summary) {
        if (summary.rows() != summary.rowsIn()) {
            throw new JobFailedException("The job read " + summary.rowsIn() + " rows but wrote " + summary.rows()
                    + "; the output at " + options.output() + " is incomplete");
        }
        if (options.mode() != WriteMode.APPEND) {
            long written = spark.read().parquet(options.output()).count();
            if (written != summary.rowsIn()) {
                throw new JobFailedException("The output at " + options.output() + " holds " + written
                        + " rows, but the input had " + summary.rowsIn());
            }
        }
        double fraction = summary.rows() == 0 ? 0 : (double) summary.errors() / summary.rows();
        if (fraction > options.maxErrorFraction()) {
            throw new JobFailedException(String.format("%d of %d rows failed (%.2f%%), more than --max-error-fraction "
                    + "%.4f; see the error column of %s", summary.errors(), summary.rows(), fraction * 100,
                    options.maxErrorFraction(), options.output()));
        }
    }
}
