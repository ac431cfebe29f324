package dev.sparkformers.jobs;

import dev.sparkformers.auto.AutoTask;
import dev.sparkformers.auto.ModelRegistry;
import dev.sparkformers.generation.GenerationConfig;
import dev.sparkformers.pipelines.GenerationArguments;
import dev.sparkformers.pipelines.TextGenerationPipeline;
import dev.sparkformers.udfs.ExecutorPipelines;
import dev.sparkformers.udfs.GenerationColumns;
import dev.sparkformers.udfs.ModelHandle;
import dev.sparkformers.udfs.PipelinePartitionFunction;
import dev.sparkformers.udfs.RunCounters;
import dev.sparkformers.udfs.SeededPromptInput;
import dev.sparkformers.udfs.TaskDevices;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The generate job: reads prompts, continues each with a causal language model on the executors
 * (HuggingFace's text-generation pipeline, prompts left-padded into batches), and writes Parquet
 * with the id columns, {@code generated_text}, {@code generated_ids} ({@code array<bigint>}, the
 * new tokens), {@code finish_reason} ({@code eos} or {@code length}), {@code n_tokens} (prompt
 * tokens), {@code truncated} (always false) and {@code error}.
 *
 * <p>Sampling is reproducible: each row draws from its own generator, seeded from the job seed and
 * the row's id columns, so the same input and seed give the same texts however Spark partitions
 * the input.
 */
public final class GenerateJob {

    private static final Logger LOG = LoggerFactory.getLogger(GenerateJob.class);

    private GenerateJob() {}

    /**
     * Runs the job on {@code spark}.
     *
     * @throws IllegalArgumentException for options that cannot work (missing columns, a model that
     *     cannot generate, an unknown or invalid generation setting, ...)
     * @throws JobFailedException when rows went missing or too many rows failed
     */
    public static JobSummary run(SparkSession spark, GenerateOptions options) throws IOException {
        long start = System.nanoTime();
        PipelineJobs.Io io = options.io();
        Dataset<Row> input = PipelineJobs.readInput(spark, io);
        ResolvedModel model = ResolvedModel.resolve(options.model(), spark.sparkContext().hadoopConfiguration());

        // Fails here, on the driver, when the family has no causal language model or a setting is wrong.
        ModelRegistry.get().modelClass(AutoTask.CAUSAL_LM, model.config());
        GenerationConfig settings = GenerationConfig.fromPretrainedOrModelConfig(model.directory(), model.config());
        Set<String> unused = settings.update(GenerationArguments.typed(options.generation()));
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("Unknown generation settings " + unused + "; use the names of "
                    + "HuggingFace's generate arguments, such as max_new_tokens, do_sample, temperature, top_k, top_p");
        }
        settings.validate();
        if (settings.numReturnSequences() != 1) {
            throw new IllegalArgumentException("The generate job writes one sequence per prompt, but "
                    + "num_return_sequences is " + settings.numReturnSequences() + "; leave it at 1");
        }

        Map<String, String> parameters = new HashMap<>(options.generation());
        parameters.put("return_full_text", Boolean.toString(options.returnFullText()));
        ModelHandle handle = new ModelHandle(options.model(), model.fingerprint(), model.weightBytes(),
                Map.of(ExecutorPipelines.TASK_SETTING, TextGenerationPipeline.TASK,
                        TaskDevices.DEVICE_SETTING, options.device(), ExecutorPipelines.DTYPE_SETTING, options.dtype()));

        input = PipelineJobs.spread(spark, input, io.partitions());
        long rowsIn = input.count();
        RunCounters counters = RunCounters.register(spark.sparkContext());
        PipelinePartitionFunction<?> function = new PipelinePartitionFunction<>(PipelineJobs.broadcast(spark, handle),
                input.schema(), io.idColumns(), new SeededPromptInput(io.textColumn(), io.idColumns(), options.seed()),
                parameters, new GenerationColumns(), options.partition(), counters);

        Map<String, String> footer = new LinkedHashMap<>();
        footer.put("sparkformers.version", EmbedJob.LIBRARY_VERSION);
        footer.put("sparkformers.model", options.model());
        footer.put("sparkformers.model.sha256", model.fingerprint());
        footer.put("sparkformers.model.type", model.config().modelType());
        footer.put("sparkformers.task", TextGenerationPipeline.TASK);
        footer.put("sparkformers.generation", settings.toDiffDict().toString());
        footer.put("sparkformers.seed", Long.toString(options.seed()));
        footer.put("sparkformers.return_full_text", Boolean.toString(options.returnFullText()));
        LOG.info("Generating for {} prompts of {} with {} ({}) into {}", rowsIn, io.input(), options.model(),
                options.generation(), io.output());
        return PipelineJobs.runAndWrite(spark, io, input, rowsIn, function, counters, model, footer, start);
    }
}
