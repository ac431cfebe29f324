package dev.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** YAML job configuration files: values, precedence, checks, and a job run from one. */
class JobConfigFileTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    /** Parses {@code args} and applies the job's config file, as the command line does before running. */
    private static CommandLine.Model.CommandSpec parse(String... args) throws IOException {
        ParseResult parsed = SparkformersCommand.newCommandLine().parseArgs(args);
        return SparkformersCommand.applyConfigFile(parsed).subcommand().commandSpec();
    }

    private static Object value(CommandLine.Model.CommandSpec command, String option) {
        return command.findOption(option).getValue();
    }

    private static String configError(String yaml, Path file) throws IOException {
        Files.writeString(file, yaml);
        return assertThrows(IllegalArgumentException.class,
                () -> parse("embed", "--config", file.toString())).getMessage();
    }

    @Test
    void commandLineOverridesFileValues() throws IOException {
        Path config = write("embed.yaml", """
                input: corpus.jsonl
                output: out/
                batch-tokens: 4096
                max_batch_size: 64
                id-col: [doc, part]
                normalize: false
                conf:
                  spark.executor.memory: 4g
                  spark.sql.shuffle.partitions: 8
                """);

        CommandLine.Model.CommandSpec embed = parse("embed", "--config", config.toString(), "--batch-tokens", "1024",
                "--conf", "spark.sql.shuffle.partitions=2");

        assertEquals("corpus.jsonl", value(embed, "--input"));
        assertEquals("out/", value(embed, "--output"));
        assertEquals(1024, (int) value(embed, "--batch-tokens"));
        assertEquals(64, (int) value(embed, "--max-batch-size"));
        assertEquals(1024, (int) value(embed, "--chunk-rows"), "an option the file leaves out keeps its default");
        assertEquals(List.of("doc", "part"), value(embed, "--id-col"));
        assertEquals(Boolean.FALSE, value(embed, "--normalize"));
        assertEquals(Map.of("spark.executor.memory", "4g", "spark.sql.shuffle.partitions", "2"),
                value(embed, "--conf"));
    }

    @Test
    void commandLineListReplacesFileList() throws IOException {
        Path config = write("ids.yaml", "id-col: [doc, part]\n");

        assertEquals(List.of("key"), value(parse("embed", "--config", config.toString(), "--id-col", "key"),
                "--id-col"));
    }

    @Test
    void negatableFlagsOverrideFileBothWays() throws IOException {
        Path off = write("off.yaml", "normalize: false\n");
        Path on = write("on.yaml", "normalize: true\n");

        assertEquals(Boolean.TRUE, value(parse("embed", "--config", off.toString(), "--normalize"), "--normalize"));
        assertEquals(Boolean.FALSE, value(parse("embed", "--config", on.toString(), "--no-normalize"), "--normalize"));
        assertEquals(Boolean.TRUE, value(parse("embed", "--config", on.toString()), "--normalize"));
    }

    @Test
    void returnFullTextFlagForms() throws IOException {
        Path off = write("full-text.yaml", "return-full-text: false\n");

        assertEquals(null, value(parse("generate"), "--return-full-text"), "null stands for the default, true");
        assertEquals(Boolean.TRUE, value(parse("generate", "--return-full-text"), "--return-full-text"));
        assertEquals(Boolean.FALSE, value(parse("generate", "--no-return-full-text"), "--return-full-text"));
        assertEquals(Boolean.FALSE, value(parse("generate", "--config", off.toString()), "--return-full-text"));
    }

    @Test
    void eachJobAcceptsItsOwnOptions() throws IOException {
        Path classify = write("classify.yaml", "labels: labels.yaml\ntop-k: 3\nthreshold: 0.25\n");
        Path generate = write("generate.yaml", "max-new-tokens: 12\ndo-sample: true\nseed: 7\n");

        CommandLine.Model.CommandSpec classifySpec = parse("classify", "--config", classify.toString());
        assertEquals("labels.yaml", value(classifySpec, "--labels"));
        assertEquals(3, (int) value(classifySpec, "--top-k"));
        assertEquals(0.25, (double) value(classifySpec, "--threshold"), 0);

        CommandLine.Model.CommandSpec generateSpec = parse("generate", "--config", generate.toString());
        assertEquals(12, (int) value(generateSpec, "--max-new-tokens"));
        assertEquals(Boolean.TRUE, value(generateSpec, "--do-sample"));
    }

    @Test
    void confExamplesFitTheirCommands() throws IOException {
        for (String command : new String[] {"embed", "classify", "generate"}) {
            Path example = Path.of("..", "conf", command + ".yaml");
            assertTrue(Files.exists(example), "missing example " + example);

            CommandLine.Model.CommandSpec spec = parse(command, "--config", example.toString());
            assertTrue(value(spec, "--input") != null, "the example " + example + " names an input");
        }
    }

    @Test
    void unknownKeyListsValidKeys() throws IOException {
        String message = configError("batch-size: 32\n", dir.resolve("unknown.yaml"));

        assertTrue(message.contains("unknown.yaml"), message);
        assertTrue(message.contains("'batch-size' is not an option of sparkformers embed"), message);
        assertTrue(message.contains("batch-tokens"), message);
        assertFalse(message.contains("help"), "keys that act at once are not offered: " + message);
    }

    @Test
    void wrongValueKindsAreRejected() throws IOException {
        Path file = dir.resolve("wrong.yaml");

        assertTrue(configError("batch-tokens: many\n", file).contains("'batch-tokens' must be a whole number, but is"
                + " 'many'"));
        assertTrue(configError("batch-tokens: 2.5\n", file).contains("'batch-tokens' must be a whole number"));
        assertTrue(configError("normalize: 3\n", file).contains("'normalize' must be true or false, but is '3'"));
        assertTrue(configError("max-error-fraction: lots\n", file).contains("'max-error-fraction' must be a number"));
        assertTrue(configError("input: [a, b]\n", file).contains("'input' must be a single value, but is a list"));
        assertTrue(configError("id-col: [a, 'b,c']\n", file).contains("without commas"));
        assertTrue(configError("conf: [spark.a]\n", file).contains("'conf' must be a mapping of Spark settings"));
        assertTrue(configError("conf:\n  spark.a: [1]\n", file).contains("conf 'spark.a' must be a single value"));
        assertTrue(configError("- input\n", file).contains("must be a mapping of option names to values"));
        assertTrue(configError("input: [unclosed\n", file).contains("is not valid YAML"));
        assertTrue(configError("help: true\n", file).contains("'help' is not an option"));
        assertTrue(configError("batch-tokens: 1\nbatch_tokens: 2\n", file).contains("sets 'batch-tokens' twice"));
    }

    @Test
    void missingOrOversizedFileRejected() throws IOException {
        Path missing = dir.resolve("missing.yaml");
        IOException absent = assertThrows(IOException.class, () -> parse("embed", "--config", missing.toString()));
        assertTrue(absent.getMessage().contains("missing.yaml does not exist"), absent.getMessage());

        Path large = write("large.yaml", "# " + "x".repeat((int) JobConfigFile.MAX_BYTES) + "\n");
        IOException oversized = assertThrows(IOException.class, () -> parse("embed", "--config", large.toString()));
        assertTrue(oversized.getMessage().contains("more than the 1048576"), oversized.getMessage());
    }

    @Test
    void badFileExitsWithCodeTwo() throws IOException {
        Path config = write("bad.yaml", "batch-tokens: many\n");
        CommandLine commandLine = SparkformersCommand.newCommandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err));

        assertEquals(2, commandLine.execute("embed", "--config", config.toString()));
        assertTrue(err.toString().startsWith("error: Config file "), err.toString());
    }

    @Test
    void missingInputNamesBothSources() throws IOException {
        Path config = write("no-input.yaml", "output: out/\n");
        CommandLine commandLine = SparkformersCommand.newCommandLine();
        StringWriter err = new StringWriter();
        commandLine.setErr(new PrintWriter(err));

        assertEquals(1, commandLine.execute("embed", "--config", config.toString()));
        assertTrue(err.toString().contains("--input URI is required (on the command line, or as 'input' in the"
                + " --config file)"), err.toString());
    }

    @Test
    void embedJobRunsFromConfigFile() throws IOException {
        Path corpus = dir.resolve("corpus.jsonl");
        Files.write(corpus, EmbedJobTest.sampleCorpus().subList(0, 40));
        Path output = dir.resolve("embeddings");
        Path config = write("embed.yaml", String.format("""
                input: %s
                output: %s
                master: local[2]
                batch-tokens: 512
                conf:
                  spark.ui.enabled: false
                  spark.sql.shuffle.partitions: 2
                """, corpus.toUri(), output.toUri()));

        CommandLine commandLine = SparkformersCommand.newCommandLine();
        StringWriter out = new StringWriter();
        commandLine.setOut(new PrintWriter(out));
        assertEquals(0, commandLine.execute("embed", "--config", config.toString(), "--partitions", "3"));

        assertTrue(out.toString().contains("Wrote 40 rows"), out.toString());
        List<Row> rows = LocalSpark.get().read().parquet(output.toString()).collectAsList();
        assertEquals(40, rows.size());
        assertEquals(384, rows.get(0).getList(rows.get(0).fieldIndex("embedding")).size());
    }
}
