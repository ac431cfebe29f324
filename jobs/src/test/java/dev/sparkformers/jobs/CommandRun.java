package dev.sparkformers.jobs;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** One in-process run of the {@code sparkformers} command line, with its exit code and output. */
record CommandRun(int exitCode, String out, String err) {

    /** Runs the command line on {@code args} and captures what it prints. */
    static CommandRun of(String... args) {
        CommandLine commandLine = SparkformersCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        int exitCode = commandLine.execute(args);
        return new CommandRun(exitCode, out.toString(), err.toString());
    }
}
