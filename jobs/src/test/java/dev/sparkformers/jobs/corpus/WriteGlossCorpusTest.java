package dev.sparkformers.jobs.corpus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WriteGlossCorpusTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine commandLine = WriteGlossCorpus.newCommandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }

    @Test
    void writesSampleSortedById() throws IOException {
        Path wordnet = Files.createDirectory(dir.resolve("wordnet"));
        WordNetFixture.write(wordnet);
        Path corpus = dir.resolve("out/glosses.jsonl");

        int exitCode = run("--wordnet-dir", wordnet.toString(), "--out", corpus.toString(),
                "--size", "6", "--min-per-lexname", "1");

        assertEquals(0, exitCode, err.toString());
        List<WordNetGloss> sample = GlossCorpusFile.read(corpus);
        assertEquals(6, sample.size());
        List<String> ids = sample.stream().map(WordNetGloss::id).toList();
        assertEquals(ids.stream().sorted().toList(), ids);
        assertEquals(5, sample.stream().map(WordNetGloss::lexname).distinct().count(), "every lexname is covered");
        assertTrue(WordNetFixture.EXPECTED.containsAll(sample));
        assertTrue(out.toString().contains("Wrote 6 of 9 glosses covering 5 lexnames"), out.toString());
    }

    @Test
    void repeatedRunIsByteIdentical() throws IOException {
        Path wordnet = Files.createDirectory(dir.resolve("wordnet"));
        WordNetFixture.write(wordnet);

        run("--wordnet-dir", wordnet.toString(), "--out", dir.resolve("first.jsonl").toString(),
                "--size", "7", "--min-per-lexname", "1");
        run("--wordnet-dir", wordnet.toString(), "--out", dir.resolve("second.jsonl").toString(),
                "--size", "7", "--min-per-lexname", "1");

        assertArrayEquals(Files.readAllBytes(dir.resolve("first.jsonl")), Files.readAllBytes(dir.resolve("second.jsonl")));
    }

    @Test
    void malformedLineExitsWithMessage() throws IOException {
        Path wordnet = Files.createDirectory(dir.resolve("wordnet"));
        WordNetFixture.write(wordnet);
        WordNetFixture.writeDataFile(wordnet, SyntacticCategory.NOUN,
                WordNetFixture.plus(WordNetFixture.NOUN_LINES, "00000400 05 n 01 fox 0 000"));
        Path corpus = dir.resolve("glosses.jsonl");

        int exitCode = run("--wordnet-dir", wordnet.toString(), "--out", corpus.toString());

        assertEquals(1, exitCode);
        assertTrue(err.toString().contains("data.noun line 6: line ends where gloss marker was expected"), err.toString());
        assertTrue(err.toString().contains("Check that --wordnet-dir"), err.toString());
        assertFalse(Files.exists(corpus));
    }

    @Test
    void tooLargeSizeExitsWithMessage() throws IOException {
        Path wordnet = Files.createDirectory(dir.resolve("wordnet"));
        WordNetFixture.write(wordnet);

        int exitCode = run("--wordnet-dir", wordnet.toString(), "--out", dir.resolve("g.jsonl").toString(),
                "--size", "10");

        assertEquals(1, exitCode);
        assertTrue(err.toString().contains("Invalid sample size 10: expected 1 to 9"), err.toString());
    }

    @Test
    void missingOutIsUsageError() {
        int exitCode = run("--wordnet-dir", dir.toString());

        assertEquals(2, exitCode);
        assertTrue(err.toString().contains("--out"), err.toString());
    }
}
