package dev.sparkformers.jobs;

import dev.sparkformers.udfs.ModelLocations;

import org.apache.spark.sql.SparkSession;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/** {@code sparkformers classify}: classifies a corpus and writes Parquet. */
@Command(
        name = "classify",
        mixinStandardHelpOptions = true,
        description = {"Classifies every text of a corpus and writes Parquet with the id columns, label, score,"
                + " scores (map<string,float>), n_tokens, truncated and error.",
            "Uses the model's sequence-classification head, or with --labels a sentence-embedding model and the"
                + " nearest centroid of each label's example texts.",
            "Runs in local mode unless --master or spark-submit says otherwise."})
final class ClassifyCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Mixin
    private CommonJobOptions common;

    @Option(names = "--model", paramLabel = "URI", defaultValue = ModelLocations.DEFAULT_EMBEDDING_MODEL,
            description = "HuggingFace checkpoint directory, local path or Hadoop URI: a sequence-classification model,"
                    + " or a sentence-embedding model with --labels. Default: ${DEFAULT-VALUE}.")
    private String model;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "YAML or JSON file (any Hadoop URI) defining each label by example texts or a description;"
                    + " see docs/classification.md. Without it the model's own head and id2label are used.")
    private String labels;

    @Option(names = "--top-k", paramLabel = "N",
            description = "Keep the N best labels in the scores column. Default: every label.")
    private Integer topK;

    @Option(names = "--threshold", paramLabel = "COSINE",
            description = "With --labels: below this best cosine similarity the label is the unknown label."
                    + " Default: the labels file's threshold, else none.")
    private Double threshold;

    @Option(names = "--max-length", paramLabel = "N",
            description = "Truncate inputs to N tokens. Default: the model's maximum.")
    private Integer maxLength;

    @Mixin
    private LongTextOptions longTexts;

    @Option(names = "--chunk-aggregation", paramLabel = "MODE",
            description = "With --chunk-long-texts: mean or max, how the class scores of a text's windows (after"
                    + " softmax or sigmoid, or the cosine similarities with --labels) are combined before the label"
                    + " is chosen. Default: mean.")
    private String chunkAggregation;

    @Override
    public Integer call() throws Exception {
        ClassifyOptions options = new ClassifyOptions(common.io("classify"), model, labels, topK, threshold, maxLength,
                longTexts.chunking(chunkAggregation), common.partition(), common.device, common.dtype);
        SparkSession spark = SparkSessions.create("sparkformers-classify", common.master, common.sparkSettings);
        try {
            JobSummary summary = ClassifyJob.run(spark, options);
            spec.commandLine().getOut().println("Wrote " + summary.rows() + " rows to " + options.io().output());
            spec.commandLine().getOut().println(summary.toJson());
            return 0;
        } finally {
            spark.stop();
        }
    }
}
