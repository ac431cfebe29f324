package dev.sparkformers.jobs.corpus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Deterministic selection of a gloss sample that covers every lexicographer file.
 *
 * <p>Each gloss is ranked by the first 8 bytes of the SHA-256 digest of its id, read as an
 * unsigned big-endian number, with ties broken by id. Each lexname first contributes its
 * {@code minPerLexname} lowest-ranked glosses, or all of them when it has fewer. The remaining
 * places go to the lowest-ranked of all other glosses. The rank depends on the id alone, so the
 * same glosses in any order give the same sample.
 */
public final class GlossSample {

    /** Default number of glosses in the sample corpus. */
    public static final int DEFAULT_SIZE = 5_000;

    /** Default number of glosses taken from each lexname before the rest are filled by rank. */
    public static final int DEFAULT_MIN_PER_LEXNAME = 20;

    private static final Comparator<RankedGloss> BY_RANK = Comparator
            .comparing(RankedGloss::rank, Long::compareUnsigned)
            .thenComparing(ranked -> ranked.gloss().id());

    private GlossSample() {
    }

    /**
     * Returns {@code size} glosses sorted by id.
     *
     * @param glosses the population, with unique ids
     * @param size number of glosses to return, from 1 to {@code glosses.size()}
     * @param minPerLexname glosses to take from each lexname first, 0 or more
     * @throws IllegalArgumentException if an id repeats, {@code size} is out of range, or
     *     {@code size} is too small to take {@code minPerLexname} glosses from every lexname
     */
    public static List<WordNetGloss> select(Collection<WordNetGloss> glosses, int size, int minPerLexname) {
        if (size < 1 || size > glosses.size()) {
            throw new IllegalArgumentException("Invalid sample size " + size + ": expected 1 to "
                    + glosses.size() + ", the number of glosses available");
        }
        if (minPerLexname < 0) {
            throw new IllegalArgumentException(
                    "Invalid minimum per lexname " + minPerLexname + ": expected 0 or more");
        }

        Map<String, List<RankedGloss>> byLexname = rankByLexname(glosses);

        List<RankedGloss> selected = new ArrayList<>(size);
        for (List<RankedGloss> group : byLexname.values()) {
            selected.addAll(group.subList(0, Math.min(minPerLexname, group.size())));
        }
        if (selected.size() > size) {
            throw new IllegalArgumentException("Sample size " + size + " is too small: taking " + minPerLexname
                    + " glosses from each of " + byLexname.size() + " lexnames needs " + selected.size()
                    + ". Raise the size or lower the minimum per lexname.");
        }

        List<RankedGloss> rest = new ArrayList<>();
        for (List<RankedGloss> group : byLexname.values()) {
            rest.addAll(group.subList(Math.min(minPerLexname, group.size()), group.size()));
        }
        rest.sort(BY_RANK);
        selected.addAll(rest.subList(0, size - selected.size()));

        List<WordNetGloss> sample = new ArrayList<>(size);
        for (RankedGloss ranked : selected) {
            sample.add(ranked.gloss());
        }
        sample.sort(Comparator.comparing(WordNetGloss::id));
        return sample;
    }

    /** Groups glosses by lexname, each group sorted by rank. */
    private static Map<String, List<RankedGloss>> rankByLexname(Collection<WordNetGloss> glosses) {
        MessageDigest sha256 = newSha256();
        Set<String> ids = new HashSet<>();
        Map<String, List<RankedGloss>> byLexname = new TreeMap<>();

        for (WordNetGloss gloss : glosses) {
            if (!ids.add(gloss.id())) {
                throw new IllegalArgumentException("Gloss id " + gloss.id() + " appears twice, but ids must be unique");
            }
            RankedGloss ranked = new RankedGloss(gloss, rank(sha256, gloss.id()));
            byLexname.computeIfAbsent(gloss.lexname(), lexname -> new ArrayList<>()).add(ranked);
        }

        for (List<RankedGloss> group : byLexname.values()) {
            group.sort(BY_RANK);
        }
        return byLexname;
    }

    /** Returns the first 8 bytes of the SHA-256 digest of {@code id}'s UTF-8 bytes, big-endian. */
    private static long rank(MessageDigest sha256, String id) {
        byte[] digest = sha256.digest(id.getBytes(StandardCharsets.UTF_8));
        long rank = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            rank = (rank << 8) | (digest[i] & 0xFF);
        }
        return rank;
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must provide SHA-256 (MessageDigest's class documentation).
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }

    private record RankedGloss(WordNetGloss gloss, long rank) {
    }
}
