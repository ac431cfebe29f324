package dev.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The --dtype option: its default, its values and its check against --device, all before Spark starts. */
class DtypeOptionTest {

    private static String run(int expectedExitCode, String... args) {
        CommandLine commandLine = SparkformersCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        assertEquals(expectedExitCode, commandLine.execute(args), err.toString());
        return out + err.toString();
    }

    @Test
    void helpDocumentsDtype() {
        for (String command : new String[] {"embed", "classify", "generate"}) {
            String help = run(0, command, "--help");
            assertTrue(help.contains("--dtype"), command + ": " + help);
            assertTrue(help.contains("Default: float32"), command + ": " + help);
        }
    }

    @Test
    void float16WithCpuDeviceFails() {
        String output = run(1, "embed", "--input", "in.jsonl", "--output", "out", "--device", "cpu", "--dtype",
                "float16");
        assertTrue(output.contains("dtype float16 needs a GPU"), output);
        assertTrue(output.contains("--dtype float32"), output);
    }

    @Test
    void unknownDtypeFails() {
        String output = run(1, "classify", "--input", "in.jsonl", "--output", "out", "--model", "m", "--dtype",
                "bfloat16");
        assertTrue(output.contains("'bfloat16' is not supported"), output);
    }

    @Test
    void optionsRecordsCheckDtype() {
        assertEquals("float32", EmbedOptions.defaults("in", "out").dtype());
        assertEquals("float32", ClassifyOptions.defaults("in", "out", "m").dtype());
        assertEquals("float32", GenerateOptions.defaults("in", "out", "m").dtype());

        EmbedOptions defaults = EmbedOptions.defaults("in", "out");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new EmbedOptions("in", null, "out", WriteMode.ERROR_IF_EXISTS, defaults.model(),
                        defaults.idColumns(), "text", null, null, null, false, defaults.partition(), null, "cpu",
                        "float16", 1.0, LongTextChunking.TRUNCATE, false));
        assertTrue(error.getMessage().contains("float16"), error.getMessage());

        PipelineJobs.checkDtype("auto", "float16");
        PipelineJobs.checkDtype("gpu", "float16");
        PipelineJobs.checkDtype("cpu", "auto");
    }
}
