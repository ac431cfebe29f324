package dev.sparkformers.jobs.corpus;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tests of the sample corpus committed at the repository root, which need no WordNet install. */
class CommittedCorpusTest {

    /** The committed corpus, relative to the module directory where Surefire runs the tests. */
    static final Path CORPUS = Path.of("..", "data", "wordnet-glosses", "glosses.jsonl");

    private static List<WordNetGloss> glosses;
    private static Map<String, LexName> lexNamesByName;

    @BeforeAll
    static void readCorpus() throws IOException {
        assertTrue(Files.isRegularFile(CORPUS), CORPUS.toAbsolutePath() + " is missing. Regenerate it with the command in data/wordnet-glosses/README.md.");
        glosses = GlossCorpusFile.read(CORPUS);

        lexNamesByName = new HashMap<>();
        for (LexName entry : LexNames.bundled().entries()) {
            lexNamesByName.put(entry.name(), entry);
        }
    }

    @Test
    void hasDefaultSize() {
        assertEquals(GlossSample.DEFAULT_SIZE, glosses.size());
    }

    @Test
    void idsAreUniqueWellFormedAndSorted() {
        Set<String> ids = new HashSet<>();
        String previous = "";
        for (WordNetGloss gloss : glosses) {
            assertTrue(gloss.id().matches("[nvasr][0-9]{8}"), "invalid id " + gloss.id());
            assertTrue(ids.add(gloss.id()), "duplicate id " + gloss.id());
            assertTrue(previous.compareTo(gloss.id()) < 0, gloss.id() + " is not sorted after " + previous);
            previous = gloss.id();
        }
    }

    @Test
    void textsAreNonEmptyAndTrimmed() {
        for (WordNetGloss gloss : glosses) {
            assertFalse(gloss.text().isEmpty(), "empty text in " + gloss.id());
            assertEquals(gloss.text().strip(), gloss.text(), "untrimmed text in " + gloss.id());
        }
    }

    @Test
    void lexnamesAreValidForSynsetType() {
        for (WordNetGloss gloss : glosses) {
            LexName lexName = lexNamesByName.get(gloss.lexname());
            assertNotNull(lexName, "unknown lexname " + gloss.lexname() + " in " + gloss.id());
            assertTrue(lexName.category().hasSynsetType(gloss.id().charAt(0)),
                    gloss.id() + " cannot be in " + gloss.lexname());
        }
    }

    @Test
    void everyLexnameHasMinimum() {
        Map<String, Integer> counts = new HashMap<>();
        for (WordNetGloss gloss : glosses) {
            counts.merge(gloss.lexname(), 1, Integer::sum);
        }

        // Every WordNet 3.0 lexicographer file has at least 42 synsets, so each reaches the minimum.
        for (String lexname : lexNamesByName.keySet()) {
            int count = counts.getOrDefault(lexname, 0);
            assertTrue(count >= GlossSample.DEFAULT_MIN_PER_LEXNAME, lexname + " has " + count + " glosses");
        }
    }

    @Test
    void linesAreCanonicalJson() throws IOException {
        List<String> lines = Files.readAllLines(CORPUS, StandardCharsets.UTF_8);
        byte[] bytes = Files.readAllBytes(CORPUS);

        assertEquals('\n', bytes[bytes.length - 1], "the file ends with a line break");
        for (int i = 0; i < lines.size(); i++) {
            assertEquals(GlossCorpusFile.toJsonLine(glosses.get(i)), lines.get(i), "line " + (i + 1));
        }
    }
}
