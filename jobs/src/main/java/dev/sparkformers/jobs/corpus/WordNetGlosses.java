package dev.sparkformers.jobs.corpus;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reader for the synset glosses of a WordNet 3.0 database directory, such as Debian's
 * {@code /usr/share/wordnet}.
 *
 * <p>The directory must contain {@code data.noun}, {@code data.verb}, {@code data.adj} and
 * {@code data.adv}. WordNet 3.0 has 117,659 synsets across them.
 */
public final class WordNetGlosses {

    /** Database directory that Debian's {@code wordnet-base} package installs. */
    public static final Path DEBIAN_WORDNET_DIR = Path.of("/usr/share/wordnet");

    /** Licence header lines at the top of each data file begin with this (wndb(5WN)). */
    private static final String HEADER_PREFIX = "  ";

    private WordNetGlosses() {
    }

    /**
     * Reads the glosses of all four data files, in the order noun, verb, adjective, adverb and
     * then file order, mapping {@code lex_filenum} with {@link LexNames#load(Path)}.
     *
     * @throws NoSuchFileException if a data file is missing
     * @throws WordNetFormatException on the first malformed line, naming its file and line number
     */
    public static List<WordNetGloss> read(Path wordnetDir) throws IOException {
        return read(wordnetDir, LexNames.load(wordnetDir));
    }

    /** Reads the glosses of all four data files, mapping {@code lex_filenum} with {@code lexNames}. */
    public static List<WordNetGloss> read(Path wordnetDir, LexNames lexNames) throws IOException {
        List<WordNetGloss> glosses = new ArrayList<>();
        for (SyntacticCategory category : SyntacticCategory.values()) {
            glosses.addAll(readDataFile(wordnetDir.resolve(category.dataFileName()), category, lexNames));
        }
        return glosses;
    }

    /**
     * Reads the glosses of one data file in file order.
     *
     * @param category the category of the file, which fixes the allowed {@code ss_type} letters
     * @throws WordNetFormatException on a malformed line or a synset id seen twice in the file
     */
    public static List<WordNetGloss> readDataFile(Path file, SyntacticCategory category, LexNames lexNames)
            throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null,
                    "WordNet data file not found. Install Debian package wordnet-base, or pass the directory"
                            + " that contains data.noun, data.verb, data.adj and data.adv");
        }

        String source = file.toString();
        DataLineParser parser = new DataLineParser(source, category, lexNames);
        List<WordNetGloss> glosses = new ArrayList<>();
        Map<String, Long> lineNumberById = new HashMap<>();

        // Decoding as ISO-8859-1 cannot fail because it maps each byte to one char. Lines with
        // non-ASCII bytes are then decoded as strict UTF-8, so a bad byte is reported with its line.
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            long lineNumber = 0;
            boolean inHeader = true;

            String line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                if (inHeader && line.startsWith(HEADER_PREFIX)) {
                    continue;
                }
                inHeader = false;

                WordNetGloss gloss = parser.parse(decodeUtf8(line, source, lineNumber), lineNumber);
                Long firstLine = lineNumberById.putIfAbsent(gloss.id(), lineNumber);
                if (firstLine != null) {
                    throw new WordNetFormatException(source, lineNumber,
                            "synset " + gloss.id() + " appears twice, first on line " + firstLine);
                }
                glosses.add(gloss);
            }
        }
        return glosses;
    }

    private static String decodeUtf8(String latin1Line, String source, long lineNumber) throws WordNetFormatException {
        if (latin1Line.chars().allMatch(c -> c < 0x80)) {
            return latin1Line;
        }

        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(latin1Line.getBytes(StandardCharsets.ISO_8859_1)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new WordNetFormatException(source, lineNumber, "line is not valid UTF-8 text");
        }
    }
}
