package dev.sparkformers.jobs;

import dev.sparkformers.udfs.CheckpointPublisher;
import dev.sparkformers.udfs.ModelLocations;
import dev.sparkformers.udfs.PublishOptions;
import dev.sparkformers.udfs.PublishedCheckpoint;

import org.apache.hadoop.conf.Configuration;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code sparkformers publish}: copies a checkpoint to a Hadoop file system URI with a model card. */
@Command(
        name = "publish",
        mixinStandardHelpOptions = true,
        description = {"Publishes a checkpoint directory to any Hadoop file system URI (file:, hdfs:, s3a:), like"
                + " HuggingFace's push_to_hub. The files go to a temporary sibling of the target first, their sizes"
                + " are checked, and the directory is then moved into place. README.md (a model card, generated"
                + " unless the checkpoint has one) comes with them, and a _SUCCESS marker listing every file is"
                + " written last.",
            "On s3a the move copies each object, so readers should load a checkpoint only once its _SUCCESS"
                + " marker exists."})
final class PublishCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR_OR_URI",
            description = "Checkpoint to publish: a local directory, a Hadoop URI or builtin:all-MiniLM-L6-v2.")
    private String model;

    @Option(names = "--to", required = true, paramLabel = "URI",
            description = "Directory to publish to, for example s3a://bucket/models/my-model. It may not be the"
                    + " root of its file system.")
    private String target;

    @Option(names = "--overwrite",
            description = "Replace an existing target. The old one is deleted only after the new copy is complete.")
    private boolean overwrite;

    @Option(names = "--license", paramLabel = "ID",
            description = "License id for the model card's front matter, for example apache-2.0.")
    private String license;

    @Option(names = "--base-model", paramLabel = "ID",
            description = "Checkpoint this one derives from, as a Hub id or URI, for the model card's base_model.")
    private String baseModel;

    @Option(names = "--conf", paramLabel = "KEY=VALUE",
            description = "Spark setting. The spark.hadoop.* keys configure the file systems (for example"
                    + " spark.hadoop.fs.s3a.endpoint). Repeatable.")
    private Map<String, String> sparkSettings = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        Configuration conf = HadoopSettings.configuration(sparkSettings);
        Path source = ModelLocations.localize(model, conf);

        PublishedCheckpoint published = CheckpointPublisher.publish(source, target, conf,
                new PublishOptions(overwrite, license, baseModel));

        spec.commandLine().getOut().printf("Published %d files (%d bytes) from %s to %s. README.md was %s, and %s"
                        + " marks it complete%n", published.files().size(), published.totalBytes(), model,
                published.location(), published.generatedModelCard() ? "generated" : "copied from the checkpoint",
                CheckpointPublisher.MARKER);
        return 0;
    }
}
