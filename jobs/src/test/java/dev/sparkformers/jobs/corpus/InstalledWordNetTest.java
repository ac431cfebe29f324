package dev.sparkformers.jobs.corpus;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tests on the WordNet 3.0 database of Debian's {@code wordnet-base} package, skipped where the
 * package is not installed.
 */
@EnabledIf(value = "isWordNetInstalled",
        disabledReason = "/usr/share/wordnet/data.noun not found. Install Debian package wordnet-base to run these tests.")
class InstalledWordNetTest {

    private static List<WordNetGloss> glosses;

    /** Checks for the package, and prints why the tests are skipped, because Surefire shows only a count. */
    static boolean isWordNetInstalled() {
        Path dataNoun = WordNetGlosses.DEBIAN_WORDNET_DIR.resolve("data.noun");
        boolean installed = Files.isRegularFile(dataNoun);
        if (!installed) {
            System.err.println("InstalledWordNetTest skipped: " + dataNoun + " not found. Install Debian package"
                    + " wordnet-base to run it.");
        }
        return installed;
    }

    @BeforeAll
    static void readInstalledWordNet() throws IOException {
        glosses = WordNetGlosses.read(WordNetGlosses.DEBIAN_WORDNET_DIR);
    }

    @Test
    void readsEverySynset() {
        Map<Character, Integer> countBySynsetType = new TreeMap<>();
        for (WordNetGloss gloss : glosses) {
            countBySynsetType.merge(gloss.id().charAt(0), 1, Integer::sum);
        }

        // The synsets per category match wnstats(7WN) of WordNet 3.0: 82,115 nouns, 13,767 verbs,
        // 18,156 adjectives and 3,621 adverbs. The split of adjectives into heads (a) and
        // satellites (s) was counted from data.adj with awk.
        assertEquals(117_659, glosses.size());
        assertEquals(Map.of('a', 7_463, 'n', 82_115, 'r', 3_621, 's', 10_693, 'v', 13_767), countBySynsetType);
        assertEquals(45, glosses.stream().map(WordNetGloss::lexname).distinct().count());
        assertEquals(117_659, glosses.stream().map(WordNetGloss::id).distinct().count());
    }

    @Test
    void readsDogSynset() {
        WordNetGloss dog = glosses.stream().filter(gloss -> gloss.id().equals("n02084071")).findFirst().orElseThrow();

        assertEquals("noun.animal", dog.lexname());
        assertTrue(dog.text().startsWith("a member of the genus Canis"), dog.text());
        assertTrue(dog.text().endsWith("\"the dog barked all night\""), dog.text());
    }

    @Test
    void regeneratesCommittedCorpus() throws IOException {
        Path regenerated = Files.createTempFile("glosses", ".jsonl");
        try {
            List<WordNetGloss> sample = GlossSample.select(
                    glosses, GlossSample.DEFAULT_SIZE, GlossSample.DEFAULT_MIN_PER_LEXNAME);
            GlossCorpusFile.write(regenerated, sample);

            assertArrayEquals(Files.readAllBytes(CommittedCorpusTest.CORPUS), Files.readAllBytes(regenerated),
                    "the committed corpus differs from what the code now selects. Regenerate it with the command"
                            + " in data/wordnet-glosses/README.md.");
        } finally {
            Files.deleteIfExists(regenerated);
        }
    }
}
