package dev.sparkformers.jobs;

import org.apache.spark.sql.SparkSession;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code sparkformers generate}: continues every prompt of a corpus and writes Parquet. */
@Command(
        name = "generate",
        mixinStandardHelpOptions = true,
        description = {"Continues every prompt of a corpus with a causal language model and writes Parquet with the"
                + " id columns, generated_text, generated_ids, finish_reason (eos or length), n_tokens, truncated"
                + " and error.",
            "Generation settings default to the model's generation_config.json. Sampling is reproducible: each row's"
                + " seed comes from --seed and the row's id columns.",
            "Runs in local mode unless --master or spark-submit says otherwise."})
final class GenerateCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Mixin
    private CommonJobOptions common;

    @Option(names = "--model", paramLabel = "URI",
            description = "Required. HuggingFace checkpoint directory of a causal language model (config.json,"
                    + " model.safetensors, tokenizer.json), local path or Hadoop URI.")
    private String model;

    @Option(names = "--max-new-tokens", paramLabel = "N", description = "Tokens to generate at most per prompt.")
    private Integer maxNewTokens;

    @Option(names = "--do-sample", negatable = true,
            description = "Sample the next token instead of taking the most likely one.")
    private Boolean doSample;

    @Option(names = "--temperature", paramLabel = "T", description = "Divide the logits by T before sampling.")
    private Double temperature;

    @Option(names = "--top-k", paramLabel = "N", description = "Sample among the N most likely tokens.")
    private Integer topK;

    @Option(names = "--top-p", paramLabel = "P",
            description = "Sample among the most likely tokens whose probabilities add up to P.")
    private Double topP;

    @Option(names = "--num-beams", paramLabel = "N", description = "Beam search with N beams.")
    private Integer numBeams;

    @Option(names = "--repetition-penalty", paramLabel = "X",
            description = "Penalise tokens already in the sequence (HuggingFace's repetition_penalty).")
    private Double repetitionPenalty;

    @Option(names = "--no-repeat-ngram-size", paramLabel = "N", description = "Never repeat an n-gram of N tokens.")
    private Integer noRepeatNgramSize;

    @Option(names = "--generation", paramLabel = "KEY=VALUE",
            description = "Any other generate argument of HuggingFace's GenerationConfig; repeatable.")
    private Map<String, String> generation = new LinkedHashMap<>();

    // No defaultValue: picocli reads a negatable option whose default is true the other way round
    // (--return-full-text would set false); null stands for the default, true.
    @Option(names = "--return-full-text", negatable = true,
            description = "Start generated_text with the prompt (default), or hold only the new text with"
                    + " --no-return-full-text.")
    private Boolean returnFullText;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "0",
            description = "Job seed for sampling. Default: ${DEFAULT-VALUE}.")
    private long seed;

    @Override
    public Integer call() throws Exception {
        Map<String, String> settings = new LinkedHashMap<>(generation);
        put(settings, "max_new_tokens", maxNewTokens);
        put(settings, "do_sample", doSample);
        put(settings, "temperature", temperature);
        put(settings, "top_k", topK);
        put(settings, "top_p", topP);
        put(settings, "num_beams", numBeams);
        put(settings, "repetition_penalty", repetitionPenalty);
        put(settings, "no_repeat_ngram_size", noRepeatNgramSize);
        if (model == null) {
            throw new IllegalArgumentException("--model URI is required (on the command line, or as 'model' in the"
                    + " --config file): the checkpoint of a causal language model");
        }
        GenerateOptions options = new GenerateOptions(common.io("generate"), model, settings,
                returnFullText == null || returnFullText, seed,
                common.partition(), common.device, common.dtype);

        SparkSession spark = SparkSessions.create("sparkformers-generate", common.master, common.sparkSettings);
        try {
            JobSummary summary = GenerateJob.run(spark, options);
            spec.commandLine().getOut().println("Wrote " + summary.rows() + " rows to " + options.io().output());
            spec.commandLine().getOut().println(summary.toJson());
            return 0;
        } finally {
            spark.stop();
        }
    }

    private static void put(Map<String, String> settings, String key, Object value) {
        if (value != null) {
            settings.put(key, value.toString());
        }
    }
}
