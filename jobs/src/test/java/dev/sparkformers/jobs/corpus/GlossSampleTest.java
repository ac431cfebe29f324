package dev.sparkformers.jobs.corpus;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlossSampleTest {

    /** 1,000 nouns, 100 verbs and 5 adverbs, so that one lexname has fewer glosses than the minimum. */
    private static List<WordNetGloss> population() {
        List<WordNetGloss> glosses = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            glosses.add(new WordNetGloss(String.format("n%08d", i), "noun gloss " + i, "noun.large"));
        }
        for (int i = 0; i < 100; i++) {
            glosses.add(new WordNetGloss(String.format("v%08d", i), "verb gloss " + i, "verb.medium"));
        }
        for (int i = 0; i < 5; i++) {
            glosses.add(new WordNetGloss(String.format("r%08d", i), "adverb gloss " + i, "adv.tiny"));
        }
        return glosses;
    }

    @Test
    void sameInputGivesSameSample() {
        List<WordNetGloss> first = GlossSample.select(population(), 100, 20);
        List<WordNetGloss> second = GlossSample.select(population(), 100, 20);

        assertEquals(first, second);
    }

    @Test
    void inputOrderDoesNotChangeSample() {
        List<WordNetGloss> shuffled = population();
        Collections.shuffle(shuffled, new Random(7));

        assertEquals(GlossSample.select(population(), 100, 20), GlossSample.select(shuffled, 100, 20));
    }

    @Test
    void sampleHasSizeUniqueIdsSortedById() {
        List<WordNetGloss> population = population();

        List<WordNetGloss> sample = GlossSample.select(population, 100, 20);

        assertEquals(100, sample.size());
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < sample.size(); i++) {
            assertTrue(ids.add(sample.get(i).id()), "duplicate id " + sample.get(i).id());
            assertTrue(population.contains(sample.get(i)), "not from the input: " + sample.get(i));
            if (i > 0) {
                assertTrue(sample.get(i - 1).id().compareTo(sample.get(i).id()) < 0, "not sorted at " + i);
            }
        }
    }

    @Test
    void everyLexnameGetsItsMinimum() {
        List<WordNetGloss> sample = GlossSample.select(population(), 50, 20);

        Map<String, Integer> counts = countByLexname(sample);
        assertEquals(3, counts.size());
        assertEquals(5, counts.get("adv.tiny"), "a lexname with fewer glosses than the minimum is taken whole");
        assertTrue(counts.get("verb.medium") >= 20, "verb.medium has " + counts.get("verb.medium"));
        assertTrue(counts.get("noun.large") >= 20, "noun.large has " + counts.get("noun.large"));
    }

    @Test
    void largerSampleContainsSmaller() {
        List<WordNetGloss> smaller = GlossSample.select(population(), 100, 20);
        List<WordNetGloss> larger = GlossSample.select(population(), 101, 20);

        assertTrue(larger.containsAll(smaller));
    }

    @Test
    void restIsChosenByUnsignedSha256Rank() {
        List<WordNetGloss> glosses = new ArrayList<>();
        for (int i = 1; i <= 10; i++) {
            glosses.add(new WordNetGloss(String.format("n%08d", i), "gloss " + i, "noun.test"));
        }

        // Expected ids were computed with Python's hashlib: they have the smallest first 8 bytes of
        // SHA-256 read as unsigned numbers. A signed comparison would put n00000006 first, because
        // its digest starts with byte 0x81.
        assertEquals(List.of("n00000002", "n00000005", "n00000008"), ids(GlossSample.select(glosses, 3, 0)));
        assertEquals(List.of("n00000002", "n00000005", "n00000007", "n00000008", "n00000009", "n00000010"),
                ids(GlossSample.select(glosses, 6, 0)));
    }

    @Test
    void sizeBelowCoverageIsRejected() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> GlossSample.select(population(), 44, 20));

        assertTrue(error.getMessage().contains("needs 45"), error.getMessage());
    }

    @Test
    void sizeOutOfRangeIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> GlossSample.select(population(), 0, 0));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> GlossSample.select(population(), 1_106, 0));
        assertTrue(error.getMessage().contains("expected 1 to 1105"), error.getMessage());
    }

    @Test
    void negativeMinimumIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> GlossSample.select(population(), 10, -1));
    }

    @Test
    void duplicateIdIsRejected() {
        List<WordNetGloss> glosses = population();
        glosses.add(new WordNetGloss("n00000003", "another gloss", "noun.large"));

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> GlossSample.select(glosses, 10, 0));

        assertTrue(error.getMessage().contains("n00000003"), error.getMessage());
    }

    private static Map<String, Integer> countByLexname(List<WordNetGloss> glosses) {
        Map<String, Integer> counts = new TreeMap<>();
        for (WordNetGloss gloss : glosses) {
            counts.merge(gloss.lexname(), 1, Integer::sum);
        }
        return counts;
    }

    private static List<String> ids(List<WordNetGloss> glosses) {
        return glosses.stream().map(WordNetGloss::id).toList();
    }
}
