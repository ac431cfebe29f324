package dev.sparkformers.jobs;

import dev.sparkformers.jobs.corpus.WriteGlossCorpus;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.util.Map;

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
            ImportOnnxCommand.class, PublishCommand.class, WriteGlossCorpus.class, CommandLine.HelpCommand.class})
public final class SparkformersCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The command line, printing job and input errors as messages rather than stack traces. */
    public static CommandLine newCommandLine() {
        CommandLine commandLine = withErrorMessages(new CommandLine(new SparkformersCommand()));
        commandLine.setExecutionStrategy(SparkformersCommand::executeWithConfigFile);
        return commandLine;
    }

    /** Runs the parsed command, first applying the job's {@code --config} file when it has one. */
    private static int executeWithConfigFile(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult effective;
        try {
            effective = applyConfigFile(parsed);
        } catch (IOException | IllegalArgumentException e) {
            parsed.commandSpec().commandLine().getErr().println("error: " + e.getMessage());
            return 2;
        }
        return new CommandLine.RunLast().execute(effective);
    }

    /**
     * When the job in {@code parsed} names a {@code --config} file, parses the same arguments again
     * with the file's values as defaults, so that the command line overrides the file; the file's
     * Spark settings go under those of {@code --conf}. Otherwise returns {@code parsed}.
     *
     * @throws IllegalArgumentException when the file has an unknown key or a value of the wrong kind
     */
    static CommandLine.ParseResult applyConfigFile(CommandLine.ParseResult parsed) throws IOException {
        CommandLine.ParseResult job = parsed.subcommand();
        if (job == null || !job.hasMatchedOption("--config")) {
            return parsed;
        }
        JobConfigFile config = JobConfigFile.read(job.matchedOptionValue("--config", ""),
                job.matchedOptionValue("--conf", Map.of()));

        CommandLine original = parsed.commandSpec().commandLine();
        CommandLine again = withErrorMessages(new CommandLine(new SparkformersCommand()));
        again.setOut(original.getOut());
        again.setErr(original.getErr());
        CommandLine jobLine = again.getSubcommands().get(job.commandSpec().name());
        config.applyTo(jobLine);

        CommandLine.ParseResult reparsed = again.parseArgs(parsed.originalArgs().toArray(String[]::new));
        config.complete(reparsed.subcommand());
        return reparsed;
    }

    private static CommandLine withErrorMessages(CommandLine commandLine) {
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
