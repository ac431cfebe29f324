package dev.sparkformers.jobs.corpus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A small WordNet database directory written for tests. Its synsets, words and glosses are
 * invented, but every line follows the WordNet 3.0 formats of wndb(5WN) and lexnames(5WN).
 */
final class WordNetFixture {

    /** Licence header lines at the top of each data file, before the first synset. */
    static final int HEADER_LINES = 2;

    static final String LEXNAMES = """
            00\tadj.all\t3
            02\tadv.all\t4
            05\tnoun.animal\t1
            13\tnoun.food\t1
            29\tverb.body\t2
            """;

    static final List<String> NOUN_LINES = List.of(
            "00000100 05 n 02 glimmerfox 0 dusk_fox 0 001 @ 00000200 n 0000"
                    + " | a small invented fox that is seen only at dusk; \"a glimmerfox crossed the road\"  ",
            "00000200 05 n 01 canid 0 001 ~ 00000100 n 0000 | an invented parent concept for the fox above  ",
            "00000300 13 n 01 moonbread 0 000 | a flat loaf baked for this test  ");

    static final List<String> VERB_LINES = List.of(
            "00000100 29 v 01 yawnstretch 0 000 01 + 02 00"
                    + " | stretch while yawning; \"she yawnstretched at her desk\"  ",
            "00000200 29 v 02 blink_twice 0 doubleblink 1 001 @ 00000100 v 0000 02 + 01 00 + 08 02"
                    + " | close and open the eyes twice in a row  ",
            "00000300 29 v 01 shiver_awake 0 000 | wake up because of the cold  ");

    static final List<String> ADJECTIVE_LINES = List.of(
            "00000100 00 a 01 glossy(a) 0 001 & 00000200 s 0000 | having a shine made up for this test  ",
            "00000200 00 s 01 sheeny 0 001 & 00000100 a 0000 | shining softly; \"a sheeny coat\"  ");

    static final List<String> ADVERB_LINES = List.of(
            "00000100 02 r 01 tomorrowishly 0 000 | in a way that suggests the next day  ");

    /** The glosses that {@link WordNetGlosses#read(Path)} should return for the fixture, in order. */
    static final List<WordNetGloss> EXPECTED = List.of(
            new WordNetGloss("n00000100",
                    "a small invented fox that is seen only at dusk; \"a glimmerfox crossed the road\"", "noun.animal"),
            new WordNetGloss("n00000200", "an invented parent concept for the fox above", "noun.animal"),
            new WordNetGloss("n00000300", "a flat loaf baked for this test", "noun.food"),
            new WordNetGloss("v00000100", "stretch while yawning; \"she yawnstretched at her desk\"", "verb.body"),
            new WordNetGloss("v00000200", "close and open the eyes twice in a row", "verb.body"),
            new WordNetGloss("v00000300", "wake up because of the cold", "verb.body"),
            new WordNetGloss("a00000100", "having a shine made up for this test", "adj.all"),
            new WordNetGloss("s00000200", "shining softly; \"a sheeny coat\"", "adj.all"),
            new WordNetGloss("r00000100", "in a way that suggests the next day", "adv.all"));

    private WordNetFixture() {
    }

    /** Writes the lexnames file and the four data files into {@code dir} and returns {@code dir}. */
    static Path write(Path dir) throws IOException {
        Files.writeString(dir.resolve("lexnames"), LEXNAMES, StandardCharsets.UTF_8);
        writeDataFile(dir, SyntacticCategory.NOUN, NOUN_LINES);
        writeDataFile(dir, SyntacticCategory.VERB, VERB_LINES);
        writeDataFile(dir, SyntacticCategory.ADJECTIVE, ADJECTIVE_LINES);
        writeDataFile(dir, SyntacticCategory.ADVERB, ADVERB_LINES);
        return dir;
    }

    /** Writes one data file with the licence header lines followed by {@code synsetLines}. */
    static Path writeDataFile(Path dir, SyntacticCategory category, List<String> synsetLines) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("  1 This file is a test fixture with invented synsets.  ");
        lines.add("  2 Its header lines begin with two spaces, as in WordNet.  ");
        lines.addAll(synsetLines);

        Path file = dir.resolve(category.dataFileName());
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    /** Returns {@code lines} followed by {@code extra}. */
    static List<String> plus(List<String> lines, String extra) {
        List<String> all = new ArrayList<>(lines);
        all.add(extra);
        return all;
    }
}
