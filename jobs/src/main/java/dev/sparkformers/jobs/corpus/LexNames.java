package dev.sparkformers.jobs.corpus;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The mapping from {@code lex_filenum} to lexicographer file name, read from WordNet's
 * {@code lexnames} file.
 *
 * <p>Each line has three tab-separated fields: the two-digit file number, the file name and the
 * syntactic category code (1 noun, 2 verb, 3 adjective, 4 adverb), as lexnames(5WN) describes.
 *
 * <p>Debian's {@code wordnet-base} package (1:3.0-37) ships the data files but not
 * {@code lexnames}, so this class also carries a copy of WordNet 3.0's list as the jar resource
 * {@value #BUNDLED_RESOURCE}. That copy was transcribed from the table in the package's
 * lexnames(5WN) manual page, and each entry was checked against the lexicographer file that the
 * package's {@code wn -a} command prints for a synset with that number.
 */
public final class LexNames {

    /** Name of the file in a WordNet database directory. */
    public static final String FILE_NAME = "lexnames";

    /** Class-path location of the bundled WordNet 3.0 list. */
    public static final String BUNDLED_RESOURCE = "dev/sparkformers/jobs/corpus/lexnames";

    private static final Pattern NUMBER = Pattern.compile("[0-9]{2}");
    private static final Pattern NAME = Pattern.compile("\\S+");
    private static final Pattern CATEGORY = Pattern.compile("[1-4]");

    private final Map<Integer, LexName> byNumber;
    private final String source;

    private LexNames(Map<Integer, LexName> byNumber, String source) {
        this.byNumber = Collections.unmodifiableMap(byNumber);
        this.source = source;
    }

    /**
     * Reads {@code lexnames} from a WordNet database directory, or returns {@link #bundled()}
     * when the directory has no such file.
     */
    public static LexNames load(Path wordnetDir) throws IOException {
        Path file = wordnetDir.resolve(FILE_NAME);
        if (Files.isRegularFile(file)) {
            return read(file);
        }
        return bundled();
    }

    /** Reads and validates a {@code lexnames} file. */
    public static LexNames read(Path file) throws IOException {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(reader, file.toString());
        }
    }

    /** Returns WordNet 3.0's 45 lexicographer files, from the copy bundled in this jar. */
    public static LexNames bundled() {
        InputStream stream = LexNames.class.getClassLoader().getResourceAsStream(BUNDLED_RESOURCE);
        if (stream == null) {
            throw new IllegalStateException(
                    "Resource " + BUNDLED_RESOURCE + " is missing from the class path. Rebuild sparkformers-jobs.");
        }

        try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            return parse(reader, "resource " + BUNDLED_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("Failed to read resource " + BUNDLED_RESOURCE, e);
        }
    }

    /**
     * Parses {@code lexnames} lines.
     *
     * @param source the file or resource being read, named in error messages
     * @throws WordNetFormatException on a malformed line, a repeated number or name, or no entries
     */
    static LexNames parse(BufferedReader reader, String source) throws IOException {
        Map<Integer, LexName> byNumber = new TreeMap<>();
        Set<String> names = new HashSet<>();
        long lineNumber = 0;

        String line;
        while ((line = reader.readLine()) != null) {
            lineNumber++;
            LexName entry = parseLine(line, source, lineNumber);

            if (byNumber.containsKey(entry.number())) {
                throw new WordNetFormatException(source, lineNumber,
                        "lexicographer file number " + line.substring(0, 2) + " is listed twice");
            }
            if (!names.add(entry.name())) {
                throw new WordNetFormatException(source, lineNumber,
                        "lexicographer file name '" + entry.name() + "' is listed twice");
            }
            byNumber.put(entry.number(), entry);
        }

        if (byNumber.isEmpty()) {
            throw new WordNetFormatException(source, lineNumber, "no lexicographer files are listed");
        }
        return new LexNames(byNumber, source);
    }

    private static LexName parseLine(String line, String source, long lineNumber) throws WordNetFormatException {
        String[] fields = line.split("\t", -1);
        if (fields.length != 3) {
            throw new WordNetFormatException(source, lineNumber,
                    "expected 3 tab-separated fields (number, name, category) but found " + fields.length
                            + " in '" + line + "'");
        }

        if (!NUMBER.matcher(fields[0]).matches()) {
            throw new WordNetFormatException(source, lineNumber,
                    "invalid lexicographer file number '" + fields[0] + "': expected two decimal digits");
        }
        if (!NAME.matcher(fields[1]).matches()) {
            throw new WordNetFormatException(source, lineNumber,
                    "invalid lexicographer file name '" + fields[1] + "': expected a name without spaces");
        }

        if (!CATEGORY.matcher(fields[2]).matches()) {
            throw new WordNetFormatException(source, lineNumber,
                    "invalid syntactic category '" + fields[2] + "': expected 1, 2, 3 or 4");
        }

        SyntacticCategory category = SyntacticCategory.fromLexnamesCode(Integer.parseInt(fields[2]));
        return new LexName(Integer.parseInt(fields[0]), fields[1], category);
    }

    /** Returns the entry for a {@code lex_filenum}, or empty when the list has no such number. */
    public Optional<LexName> find(int number) {
        return Optional.ofNullable(byNumber.get(number));
    }

    /** Returns all entries, by increasing number. */
    public Collection<LexName> entries() {
        return byNumber.values();
    }

    /** Returns the file or resource that these entries were read from, for messages. */
    public String source() {
        return source;
    }
}
