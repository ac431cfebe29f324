package dev.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The classify and generate subcommands parse and document their options. */
class JobCommandsTest {

    private static String help(String command) {
        CommandLine commandLine = SparkformersCommand.newCommandLine();
        StringWriter out = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        assertEquals(0, commandLine.execute(command, "--help"));
        return out.toString();
    }

    @Test
    void classifyHelpListsOptions() {
        String help = help("classify");
        for (String option : new String[] {"--labels", "--top-k", "--threshold", "--input", "--batch-tokens"}) {
            assertTrue(help.contains(option), option + " missing from:\n" + help);
        }
    }

    @Test
    void generateHelpListsOptions() {
        String help = help("generate");
        for (String option : new String[] {"--max-new-tokens", "do-sample", "--seed", "--generation",
            "return-full-text", "--id-col"}) {
            assertTrue(help.contains(option), option + " missing from:\n" + help);
        }
    }

    @Test
    void embedHelpListsChunking() {
        String help = help("embed");
        for (String option : new String[] {"--chunk-long-texts", "--chunk-window", "--chunk-stride"}) {
            assertTrue(help.contains(option), option + " missing from:\n" + help);
        }
        assertFalse(help.contains("--chunk-aggregation=MODE"), "embed averages windows and has no aggregation option");
    }

    @Test
    void classifyHelpListsChunking() {
        String help = help("classify");
        for (String option : new String[] {"--chunk-long-texts", "--chunk-window", "--chunk-stride",
            "--chunk-aggregation"}) {
            assertTrue(help.contains(option), option + " missing from:\n" + help);
        }
    }
}
