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
        subcommands = {EmbedCommand.class, ClassifyCommand.class, GenerateCommand.class, DevicesCommand.class,
            ImportOnnxCommand.class, WriteGlossCorpus.class, CommandLine.HelpCommand.class})
public final class SparkformersCommand implements Runnable {

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

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
