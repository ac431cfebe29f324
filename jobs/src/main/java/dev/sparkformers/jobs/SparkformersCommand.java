package dev.sparkformers.jobs;

import dev.sparkformers.jobs.corpus.WriteGlossCorpus;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;

/**
 * The {@code sparkformers} command line. The same main class runs under {@code spark-submit}
 * (with the {@code -spark} jar) and from {@code bin/sparkformers} in local mode.
 */
@Command(
        name = "sparkformers",
        mixinStandardHelpOptions = true,
        version = "sparkformers " + EmbedJob.LIBRARY_VERSION,
        description = "Runs HuggingFace models over large corpora as Spark jobs.",
        footer = {"", "bin/sparkformers bench runs the throughput benchmark; see docs/benchmarks.md."},
        subcommands = {EmbedCommand.class, ClassifyCommand.class, GenerateCommand.class, DevicesCommand.class,
            ImportOnnxCommand.class, WriteGlossCorpus.class, CommandLine.HelpCommand.class})
public final class SparkformersCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The command line, printing job and input errors as messages rather than stack traces. */
    public static CommandLine newCommandLine() {
        CommandLine commandLine = new CommandLine(new SparkformersCommand());
        commandLine.setExecutionExceptionHandler((exception, failed, parseResult) -> {
            if (exception instanceof IOException || exception instanceof IllegalArgumentException
                    || exception instanceof JobFailedException || exception instanceof IllegalStateException) {
                failed.getErr().println("error: " + exception.getMessage());
                return 1;
            }
            throw exception;
        });
        return commandLine;
    }

    /** Prints the usage to standard error and exits with 2: a command is required. */
    @Override
    public Integer call() {
        spec.commandLine().getErr().println("error: missing command");
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }
}
