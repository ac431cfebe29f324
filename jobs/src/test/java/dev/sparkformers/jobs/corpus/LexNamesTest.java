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
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LexNamesTest {

    @TempDir
    Path dir;

    @Test
    void readsNumberNameAndCategory() throws IOException {
        WordNetFixture.write(dir);

        LexNames lexNames = LexNames.read(dir.resolve("lexnames"));

        assertEquals(5, lexNames.entries().size());
        assertEquals(Optional.of(new LexName(0, "adj.all", SyntacticCategory.ADJECTIVE)), lexNames.find(0));
        assertEquals(Optional.of(new LexName(2, "adv.all", SyntacticCategory.ADVERB)), lexNames.find(2));
        assertEquals(Optional.of(new LexName(5, "noun.animal", SyntacticCategory.NOUN)), lexNames.find(5));
        assertEquals(Optional.of(new LexName(29, "verb.body", SyntacticCategory.VERB)), lexNames.find(29));
        assertEquals(Optional.empty(), lexNames.find(3));
        assertEquals(dir.resolve("lexnames").toString(), lexNames.source());
    }

    @Test
    void bundledListIsWordNet30() {
        LexNames lexNames = LexNames.bundled();

        assertEquals(45, lexNames.entries().size());
        int expectedNumber = 0;
        for (LexName entry : lexNames.entries()) {
            assertEquals(expectedNumber++, entry.number(), "numbers run from 00 to 44 without gaps");
            String prefix = entry.name().substring(0, entry.name().indexOf('.'));
            assertEquals(prefix, entry.category().dataFileName().substring("data.".length()), entry.name());
        }
        assertEquals("adj.all", lexNames.find(0).orElseThrow().name());
        assertEquals("noun.Tops", lexNames.find(3).orElseThrow().name());
        assertEquals("noun.animal", lexNames.find(5).orElseThrow().name());
        assertEquals("verb.weather", lexNames.find(43).orElseThrow().name());
        assertEquals("adj.ppl", lexNames.find(44).orElseThrow().name());
    }

    @Test
    void loadPrefersDirectoryFile() throws IOException {
        WordNetFixture.write(dir);

        LexNames lexNames = LexNames.load(dir);

        assertEquals(5, lexNames.entries().size());
        assertEquals(dir.resolve("lexnames").toString(), lexNames.source());
    }

    @Test
    void loadFallsBackToBundledList() throws IOException {
        LexNames lexNames = LexNames.load(dir);

        assertEquals(45, lexNames.entries().size());
        assertTrue(lexNames.source().contains(LexNames.BUNDLED_RESOURCE), lexNames.source());
    }

    static Stream<Arguments> malformedFiles() {
        return Stream.of(
                Arguments.of(List.of("00\tadj.all\t3", "01 adj.pert 3"), 2, "expected 3 tab-separated fields"),
                Arguments.of(List.of("0\tadj.all\t3"), 1, "invalid lexicographer file number '0'"),
                Arguments.of(List.of("00\t\t3"), 1, "invalid lexicographer file name ''"),
                Arguments.of(List.of("00\tadj.all\t5"), 1, "invalid syntactic category '5'"),
                Arguments.of(List.of("00\tadj.all\t3", "00\tadj.pert\t3"), 2, "number 00 is listed twice"),
                Arguments.of(List.of("00\tadj.all\t3", "01\tadj.all\t3"), 2, "name 'adj.all' is listed twice"),
                Arguments.of(List.of("00\tadj.all\t3", ""), 2, "expected 3 tab-separated fields"),
                Arguments.of(List.of(), 0, "no lexicographer files are listed"));
    }

    @ParameterizedTest
    @MethodSource("malformedFiles")
    void malformedFileNamesLine(List<String> lines, long expectedLine, String expectedProblem) throws IOException {
        Path file = dir.resolve("lexnames");
        Files.write(file, lines, StandardCharsets.UTF_8);

        WordNetFormatException error = assertThrows(WordNetFormatException.class, () -> LexNames.read(file));

        assertEquals(file.toString(), error.source());
        assertEquals(expectedLine, error.lineNumber());
        assertTrue(error.getMessage().contains(expectedProblem), error.getMessage());
    }
}
