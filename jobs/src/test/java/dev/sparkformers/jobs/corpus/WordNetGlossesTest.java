package dev.sparkformers.jobs.corpus;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WordNetGlossesTest {

    /** Line number of a line appended after the fixture's noun synsets. */
    private static final long APPENDED_NOUN_LINE = WordNetFixture.HEADER_LINES + WordNetFixture.NOUN_LINES.size() + 1;

    @TempDir
    Path dir;

    @Test
    void readsExcerptInFileOrder() throws IOException {
        WordNetFixture.write(dir);

        List<WordNetGloss> glosses = WordNetGlosses.read(dir);

        assertEquals(WordNetFixture.EXPECTED, glosses);
    }

    @Test
    void idIsSynsetTypeAndOffset() throws IOException {
        WordNetFixture.write(dir);

        List<WordNetGloss> glosses = WordNetGlosses.read(dir);

        for (WordNetGloss gloss : glosses) {
            assertTrue(gloss.id().matches("[nvasr][0-9]{8}"), "id " + gloss.id());
        }
        assertEquals("s00000200", glosses.get(7).id(), "a satellite keeps its own ss_type letter");
        assertEquals("a00000100", glosses.get(6).id());
    }

    @Test
    void textIsTrimmedGlossWithExamples() throws IOException {
        WordNetFixture.write(dir);

        WordNetGloss fox = WordNetGlosses.read(dir).get(0);

        assertEquals("a small invented fox that is seen only at dusk; \"a glimmerfox crossed the road\"", fox.text());
    }

    @Test
    void lexnameComesFromDirectoryLexnamesFile() throws IOException {
        WordNetFixture.write(dir);
        Files.writeString(dir.resolve("lexnames"),
                WordNetFixture.LEXNAMES.replace("noun.animal", "noun.creature"), StandardCharsets.UTF_8);

        List<WordNetGloss> glosses = WordNetGlosses.read(dir);

        assertEquals("noun.creature", glosses.get(0).lexname());
        assertEquals("noun.food", glosses.get(2).lexname());
    }

    @Test
    void lexnameFallsBackToBundledList() throws IOException {
        WordNetFixture.write(dir);
        Files.delete(dir.resolve("lexnames"));

        List<WordNetGloss> glosses = WordNetGlosses.read(dir);

        assertEquals(WordNetFixture.EXPECTED, glosses);
    }

    @Test
    void missingDataFileIsReported() throws IOException {
        WordNetFixture.write(dir);
        Files.delete(dir.resolve("data.adv"));

        NoSuchFileException error = assertThrows(NoSuchFileException.class, () -> WordNetGlosses.read(dir));

        assertTrue(error.getMessage().contains("data.adv"), error.getMessage());
        assertTrue(error.getMessage().contains("wordnet-base"), error.getMessage());
    }

    static Stream<Arguments> malformedNounLines() {
        return Stream.of(
                Arguments.of("0000010x 05 n 01 fox 0 000 | a gloss", "invalid synset_offset '0000010x'"),
                Arguments.of("00000400 5 n 01 fox 0 000 | a gloss", "invalid lex_filenum '5'"),
                Arguments.of("00000400 47 n 01 fox 0 000 | a gloss", "lex_filenum 47 is not listed in"),
                Arguments.of("00000400 29 n 01 fox 0 000 | a gloss", "lex_filenum 29 is verb.body"),
                Arguments.of("00000400 05 v 01 fox 0 000 | a gloss", "ss_type 'v' does not belong in data.noun"),
                Arguments.of("00000400 05 x 01 fox 0 000 | a gloss", "invalid ss_type 'x'"),
                Arguments.of("00000400 05 n 0g fox 0 000 | a gloss", "invalid w_cnt '0g'"),
                Arguments.of("00000400 05 n 00 000 | a gloss", "w_cnt is 00"),
                Arguments.of("00000400 05 n 02 fox 0 000 | a gloss", "invalid lex_id '|'"),
                Arguments.of("00000400 05 n 01 fox 0 00 | a gloss", "invalid p_cnt '00'"),
                Arguments.of("00000400 05 n 01 fox 0 002 @ 00000100 n 0000 | a gloss",
                        "invalid pointer synset_offset 'a'"),
                Arguments.of("00000400 05 n 01 fox 0 001 @ 00000100 q 0000 | a gloss", "invalid pointer pos 'q'"),
                Arguments.of("00000400 05 n 01 fox 0 001 @ 00000100 n 00 | a gloss",
                        "invalid pointer source/target '00'"),
                Arguments.of("00000400 05 n 01 fox 0 000 a gloss without marker", "invalid gloss marker 'a'"),
                Arguments.of("00000400 05 n 01 fox 0 000", "line ends where gloss marker was expected"),
                Arguments.of("00000400 05 n 01 fox 0 000 |   ", "the gloss after '|' is empty"),
                Arguments.of("00000400 05 n 01  fox 0 000 | a gloss", "invalid word ''"),
                Arguments.of("", "line ends where synset_offset was expected"),
                Arguments.of("  3 a header line after the synsets", "invalid synset_offset ''"),
                Arguments.of("00000100 05 n 01 fox 0 000 | the same offset again",
                        "synset n00000100 appears twice, first on line 3"));
    }

    @ParameterizedTest
    @MethodSource("malformedNounLines")
    void malformedLineNamesFileAndLine(String line, String expectedProblem) throws IOException {
        WordNetFixture.write(dir);
        WordNetFixture.writeDataFile(dir, SyntacticCategory.NOUN, WordNetFixture.plus(WordNetFixture.NOUN_LINES, line));

        WordNetFormatException error = assertThrows(WordNetFormatException.class, () -> WordNetGlosses.read(dir));

        assertEquals(dir.resolve("data.noun").toString(), error.source());
        assertEquals(APPENDED_NOUN_LINE, error.lineNumber());
        assertTrue(error.getMessage().startsWith(dir.resolve("data.noun") + " line " + APPENDED_NOUN_LINE + ": "),
                error.getMessage());
        assertTrue(error.getMessage().contains(expectedProblem), error.getMessage());
    }

    @Test
    void malformedVerbFrameIsReported() throws IOException {
        WordNetFixture.write(dir);
        WordNetFixture.writeDataFile(dir, SyntacticCategory.VERB,
                WordNetFixture.plus(WordNetFixture.VERB_LINES, "00000400 29 v 01 nap 0 000 01 - 02 00 | sleep briefly"));

        WordNetFormatException error = assertThrows(WordNetFormatException.class, () -> WordNetGlosses.read(dir));

        assertEquals(dir.resolve("data.verb").toString(), error.source());
        assertEquals(WordNetFixture.HEADER_LINES + WordNetFixture.VERB_LINES.size() + 1, error.lineNumber());
        assertTrue(error.getMessage().contains("invalid frame marker '-'"), error.getMessage());
    }

    @Test
    void framesOutsideDataVerbAreRejected() throws IOException {
        WordNetFixture.write(dir);
        WordNetFixture.writeDataFile(dir, SyntacticCategory.ADVERB,
                WordNetFixture.plus(WordNetFixture.ADVERB_LINES, "00000200 02 r 01 soonly 0 000 01 + 02 00 | soon"));

        WordNetFormatException error = assertThrows(WordNetFormatException.class, () -> WordNetGlosses.read(dir));

        assertEquals(WordNetFixture.HEADER_LINES + WordNetFixture.ADVERB_LINES.size() + 1, error.lineNumber());
        assertTrue(error.getMessage().contains("invalid gloss marker '01'"), error.getMessage());
    }

    @Test
    void invalidUtf8LineIsReported() throws IOException {
        WordNetFixture.write(dir);
        Path nouns = dir.resolve("data.noun");
        byte[] badLine = "00000400 05 n 01 fox 0 000 | caf\u00e9 au lait\n".getBytes(StandardCharsets.ISO_8859_1);
        Files.write(nouns, badLine, StandardOpenOption.APPEND);

        WordNetFormatException error = assertThrows(WordNetFormatException.class, () -> WordNetGlosses.read(dir));

        assertEquals(APPENDED_NOUN_LINE, error.lineNumber());
        assertTrue(error.getMessage().contains("not valid UTF-8"), error.getMessage());
    }

    @Test
    void utf8GlossIsDecoded() throws IOException {
        WordNetFixture.write(dir);
        WordNetFixture.writeDataFile(dir, SyntacticCategory.NOUN,
                WordNetFixture.plus(WordNetFixture.NOUN_LINES, "00000400 13 n 01 caf\u00e9 0 000 | a drink in a caf\u00e9  "));

        List<WordNetGloss> glosses = WordNetGlosses.read(dir);

        assertEquals(new WordNetGloss("n00000400", "a drink in a caf\u00e9", "noun.food"), glosses.get(3));
    }
}
