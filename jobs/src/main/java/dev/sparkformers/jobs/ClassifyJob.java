package dev.sparkformers.jobs;

import dev.sparkformers.auto.AutoTask;
import dev.sparkformers.auto.ModelRegistry;
import dev.sparkformers.pipelines.EmbeddingClassificationPipeline;
import dev.sparkformers.pipelines.LabelSet;
import dev.sparkformers.pipelines.TextClassificationPipeline;
import dev.sparkformers.udfs.ClassificationColumns;
import dev.sparkformers.udfs.ExecutorPipelines;
import dev.sparkformers.udfs.ModelHandle;
import dev.sparkformers.udfs.PipelinePartitionFunction;
import dev.sparkformers.udfs.RunCounters;
import dev.sparkformers.udfs.TaskDevices;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The classify job: reads a corpus, classifies every text on the executors and writes Parquet with
 * the id columns, {@code label}, {@code score}, {@code scores} ({@code map<string,float>}),
 * {@code n_tokens}, {@code truncated} and {@code error}.
 *
 * <p>It classifies with the model's sequence-classification head (HuggingFace's
 * text-classification pipeline), or, given a labels file, by nearest centroid with a
 * sentence-embedding model. The driver reads and checks the labels file, so that a mistake in it
 * fails the job before any executor work, and ships its text in the model handle.
 */
public final class ClassifyJob {

    private static final Logger LOG = LoggerFactory.getLogger(ClassifyJob.class);

    private ClassifyJob() {}

    /**
     * Runs the job on {@code spark}.
     *
     * @throws IllegalArgumentException for options that cannot work (missing columns, a model
     *     without a classification head and no labels, an invalid labels file, ...)
     * @throws JobFailedException when rows went missing or too many rows failed
     */
    public static JobSummary run(SparkSession spark, ClassifyOptions options) throws IOException {
        long start = System.nanoTime();
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        PipelineJobs.Io io = options.io();

        Dataset<Row> input = PipelineJobs.readInput(spark, io);
        ResolvedModel model = ResolvedModel.resolve(options.model(), conf);

        Map<String, String> settings = new HashMap<>();
        settings.put(TaskDevices.DEVICE_SETTING, options.device());
        settings.put(ExecutorPipelines.DTYPE_SETTING, options.dtype());
        String task;
        List<String> labels;
        if (options.labels() != null) {
            String text = readText(options.labels(), conf);
            boolean json = options.labels().toLowerCase(Locale.ROOT).endsWith(".json");
            LabelSet labelSet = LabelSet.parse(text, options.labels(), json);
            task = EmbeddingClassificationPipeline.TASK;
            labels = labelSet.names();
            settings.put(EmbeddingClassificationPipeline.LABELS_SETTING, text);
        } else {
            // Fails here, on the driver, when the family has no classification head.
            ModelRegistry.get().modelClass(AutoTask.SEQUENCE_CLASSIFICATION, model.config());
            task = TextClassificationPipeline.TASK;
            labels = List.copyOf(model.config().id2label().values());
            if (labels.isEmpty()) {
                throw new IllegalArgumentException("Model " + options.model() + " has no labels (id2label is empty); "
                        + "use a model with a classification head or pass --labels");
            }
        }
        settings.put(ExecutorPipelines.TASK_SETTING, task);
        ModelHandle handle = new ModelHandle(options.model(), model.fingerprint(), model.weightBytes(), settings);

        Map<String, String> parameters = new HashMap<>();
        parameters.put("top_k", options.topK() == null ? "all" : options.topK().toString());
        if (options.maxLength() != null) {
            parameters.put("max_length", options.maxLength().toString());
        }
        if (options.threshold() != null) {
            parameters.put("threshold", options.threshold().toString());
        }
        options.chunking().addTo(parameters);

        input = PipelineJobs.spread(spark, input, io.partitions());
        long rowsIn = input.count();
        RunCounters counters = RunCounters.register(spark.sparkContext());
        PipelinePartitionFunction<?> function = new PipelinePartitionFunction<>(PipelineJobs.broadcast(spark, handle),
                input.schema(), io.idColumns(), io.textColumn(), parameters, new ClassificationColumns(),
                options.partition(), counters);

        Map<String, String> footer = new LinkedHashMap<>();
        footer.put("sparkformers.version", EmbedJob.LIBRARY_VERSION);
        footer.put("sparkformers.model", options.model());
        footer.put("sparkformers.model.sha256", model.fingerprint());
        footer.put("sparkformers.model.type", model.config().modelType());
        footer.put("sparkformers.task", task);
        footer.put("sparkformers.labels", String.join(",", labels));
        footer.put("sparkformers.top_k", options.topK() == null ? "all" : options.topK().toString());
        footer.put("sparkformers.max_length", options.maxLength() != null ? options.maxLength().toString() : "model");
        footer.put("sparkformers.chunking", options.chunking().describe());
        LOG.info("Classifying {} rows of {} with {} ({}, {} labels) into {}", rowsIn, io.input(), options.model(),
                task, labels.size(), io.output());
        return PipelineJobs.runAndWrite(spark, io, input, rowsIn, function, counters, model, footer, start);
    }

    /** Reads a small UTF-8 file from any Hadoop file system. */
    static String readText(String location, Configuration conf) throws IOException {
        Path path = new Path(location);
        FileSystem fs = path.getFileSystem(conf);
        if (!fs.exists(path)) {
            throw new IOException("Labels file " + location + " does not exist");
        }
        try (FSDataInputStream in = fs.open(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
