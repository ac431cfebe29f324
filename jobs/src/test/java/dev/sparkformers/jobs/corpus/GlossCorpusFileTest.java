package dev.sparkformers.jobs.corpus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlossCorpusFileTest {

    @TempDir
    Path dir;

    @Test
    void writesOneObjectPerLineInFieldOrder() throws IOException {
        Path file = dir.resolve("glosses.jsonl");
        List<WordNetGloss> glosses = List.of(
                new WordNetGloss("n00000001", "say \"hi\" \\ then leave", "noun.act"),
                new WordNetGloss("v00000002", "drink at a caf\u00e9", "verb.consumption"));

        GlossCorpusFile.write(file, glosses);

        String expected = "{\"id\":\"n00000001\",\"text\":\"say \\\"hi\\\" \\\\ then leave\",\"lexname\":\"noun.act\"}\n"
                + "{\"id\":\"v00000002\",\"text\":\"drink at a caf\u00e9\",\"lexname\":\"verb.consumption\"}\n";
        assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8), Files.readAllBytes(file));
    }

    @Test
    void readReturnsWrittenGlosses() throws IOException {
        Path file = dir.resolve("glosses.jsonl");

        GlossCorpusFile.write(file, WordNetFixture.EXPECTED);

        assertEquals(WordNetFixture.EXPECTED, GlossCorpusFile.read(file));
    }

    @Test
    void writeCreatesParentsAndReplacesFile() throws IOException {
        Path file = dir.resolve("a/b/glosses.jsonl");
        GlossCorpusFile.write(file, WordNetFixture.EXPECTED);

        GlossCorpusFile.write(file, WordNetFixture.EXPECTED.subList(0, 1));

        assertEquals(WordNetFixture.EXPECTED.subList(0, 1), GlossCorpusFile.read(file));
        assertFalse(Files.exists(dir.resolve("a/b/glosses.jsonl.partial")));
    }

    static Stream<Arguments> malformedLines() {
        return Stream.of(
                Arguments.of("{\"id\":\"n00000001\",\"text\":\"t\"", "invalid JSON"),
                Arguments.of("[\"n00000001\"]", "expected a JSON object"),
                Arguments.of("", "expected a JSON object"),
                Arguments.of("{\"id\":\"n00000001\",\"text\":\"t\"}", "field 'lexname' is missing or not a string"),
                Arguments.of("{\"id\":1,\"text\":\"t\",\"lexname\":\"noun.act\"}", "field 'id' is missing or not a string"),
                Arguments.of("{\"id\":\"n00000001\",\"text\":\"t\",\"lexname\":\"noun.act\",\"x\":1}",
                        "invalid field 'x'"),
                Arguments.of("{\"id\":\"n00000001\",\"id\":\"n2\",\"text\":\"t\",\"lexname\":\"noun.act\"}",
                        "invalid JSON"),
                Arguments.of("{\"id\":\"n00000001\",\"text\":\"t\",\"lexname\":\"noun.act\"} {}", "invalid JSON"));
    }

    @ParameterizedTest
    @MethodSource("malformedLines")
    void malformedLineNamesFileAndLine(String line, String expectedProblem) throws IOException {
        Path file = dir.resolve("glosses.jsonl");
        String valid = "{\"id\":\"n00000001\",\"text\":\"t\",\"lexname\":\"noun.act\"}";
        Files.write(file, List.of(valid, line), StandardCharsets.UTF_8);

        IOException error = assertThrows(IOException.class, () -> GlossCorpusFile.read(file));

        assertTrue(error.getMessage().startsWith(file + " line 2: "), error.getMessage());
        assertTrue(error.getMessage().contains(expectedProblem), error.getMessage());
    }
}
