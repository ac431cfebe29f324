package dev.sparkformers.jobs;

import ai.djl.Device;

import dev.sparkformers.modeling.TorchDtype;
import dev.sparkformers.udfs.MetadataParquetFormat;
import dev.sparkformers.udfs.ModelHandle;
import dev.sparkformers.udfs.PipelinePartitionFunction;
import dev.sparkformers.udfs.RunCounters;

import org.apache.hadoop.conf.Configuration;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The driver steps that the embed, classify and generate jobs share: check the output location
 * and read the input before any model work, spread the input over partitions, broadcast the model
 * handle, run {@link PipelinePartitionFunction} over every partition, write Parquet with footer
 * metadata and the run summary, and check that every input row came out exactly once.
 */
public final class PipelineJobs {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineJobs.class);

    private PipelineJobs() {}

    /**
     * Checks {@code --dtype} against {@code --device} on the driver, so that a run that cannot
     * work fails before Spark starts tasks. With {@code --device auto} the device is known only
     * on the executors, which check again when they load the model.
     *
     * @throws IllegalArgumentException for an unknown dtype, or float16 with {@code --device cpu}
     */
    static void checkDtype(String device, String dtype) {
        TorchDtype parsed = TorchDtype.fromName(dtype);
        if ("cpu".equalsIgnoreCase(device)) {
            parsed.checkDevice(Device.cpu());
        }
    }

    /**
     * Where a job reads and writes, and when it fails.
     *
     * @param job the job name, for logs and the summary
     * @param input corpus location
     * @param format corpus format, or null to infer it from the input's name
     * @param output Parquet output location
     * @param mode what to do when the output exists
     * @param idColumns columns copied to the output
     * @param textColumn column holding the text
     * @param partitions partitions to spread the input over, or null for at least the default parallelism
     * @param maxErrorFraction the job fails when a larger fraction of rows has errors
     */
    public record Io(String job, String input, InputFormat format, String output, WriteMode mode, List<String> idColumns,
            String textColumn, Integer partitions, double maxErrorFraction) {}

    /**
     * Checks the output location, reads the input and checks its columns.
     *
     * @throws IllegalArgumentException for a missing column or an output that may not be written
     * @throws IOException if the input does not exist
     */
    static Dataset<Row> readInput(SparkSession spark, Io io) throws IOException {
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        InputFormat format = io.format() != null ? io.format() : InputFormat.infer(io.input());
        JobOutputs.check(io.input(), io.output(), io.mode(), conf);
        Dataset<Row> input = JobInputs.read(spark, io.input(), format);
        JobInputs.checkColumns(input.schema(), io.idColumns(), io.textColumn());
        return input;
    }

    /** Repartitions {@code input} to the requested partitions, or to at least the default parallelism. */
    static Dataset<Row> spread(SparkSession spark, Dataset<Row> input, Integer partitions) {
        int parallelism = spark.sparkContext().defaultParallelism();
        int target = partitions != null ? partitions : Math.max(input.rdd().getNumPartitions(), parallelism);
        return target != input.rdd().getNumPartitions() ? input.repartition(target) : input;
    }

    /** Sends the small model handle, not the weights, to every executor. */
    static Broadcast<ModelHandle> broadcast(SparkSession spark, ModelHandle handle) {
        return spark.sparkContext().broadcast(handle, scala.reflect.ClassTag$.MODULE$.apply(ModelHandle.class));
    }

    /**
     * Runs {@code function} over {@code input}, writes the result as Parquet with {@code footer} in
     * every file's metadata, writes and logs the summary, and checks the row counts.
     *
     * @param rowsIn the number of input rows, counted before the run
     * @throws JobFailedException when rows went missing or too many rows failed
     */
    static JobSummary runAndWrite(SparkSession spark, Io io, Dataset<Row> input, long rowsIn,
            PipelinePartitionFunction<?> function, RunCounters counters, ResolvedModel model,
            Map<String, String> footer, long startNanos) throws IOException {
        Dataset<Row> results = input.mapPartitions(function, Encoders.row(function.outputSchema()));
        try {
            results.write()
                    .format(MetadataParquetFormat.class.getName())
                    .option(MetadataParquetFormat.METADATA_OPTION, MetadataParquetFormat.encode(footer))
                    .mode(io.mode().sparkName())
                    .save(io.output());
        } catch (Exception e) {
            // Spark throws its checked SparkException from Scala code without declaring it.
            LOG.error("{} job writing {} failed: {}", io.job(), io.output(), JobFailures.rootCause(e));
            throw JobFailures.writeFailed(io.output(), e);
        }

        JobSummary summary = new JobSummary(io.job(), io.output(), model.location(), model.fingerprint(), rowsIn,
                counters.rows().value(), counters.errors().value(), counters.truncated().value(),
                counters.modelTokens().value(), counters.inputTokens().value(), counters.paddedTokens().value(),
                (System.nanoTime() - startNanos) / 1e9);
        JobOutputs.writeText(io.output(), JobSummary.FILE_NAME, summary.toJson() + "\n",
                spark.sparkContext().hadoopConfiguration());
        LOG.info("{} job finished: {}", io.job(), summary.toJson().replaceAll("\\s+", " "));
        checkRows(spark, io, summary);
        return summary;
    }

    private static void checkRows(SparkSession spark, Io io, JobSummary summary) {
        if (summary.rows() != summary.rowsIn()) {
            throw new JobFailedException("The job read " + summary.rowsIn() + " rows but wrote " + summary.rows()
                    + "; the output at " + io.output() + " is incomplete");
        }
        if (io.mode() != WriteMode.APPEND) {
            long written = spark.read().parquet(io.output()).count();
            if (written != summary.rowsIn()) {
                throw new JobFailedException("The output at " + io.output() + " holds " + written
                        + " rows, but the input had " + summary.rowsIn());
            }
        }
        double fraction = summary.rows() == 0 ? 0 : (double) summary.errors() / summary.rows();
        if (fraction > io.maxErrorFraction()) {
            throw new JobFailedException(String.format("%d of %d rows failed (%.2f%%), more than --max-error-fraction "
                    + "%.4f; see the error column of %s", summary.errors(), summary.rows(), fraction * 100,
                    io.maxErrorFraction(), io.output()));
        }
    }
}
