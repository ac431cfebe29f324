package dev.sparkformers.jobs.corpus;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Parser for the synset lines of one WordNet data file.
 *
 * <p>A line has the fields that wndb(5WN) lists under "Data File Format", separated by single
 * spaces:
 * <pre>
 * synset_offset lex_filenum ss_type w_cnt word lex_id [word lex_id...] p_cnt [ptr...] [frames...] | gloss
 * </pre>
 * Every field before the gloss is checked, although only the offset, the lexicographer file and
 * the gloss are kept, so that a truncated or shifted line is reported instead of yielding a wrong
 * gloss.
 */
final class DataLineParser {

    private static final Pattern OFFSET = Pattern.compile("[0-9]{8}");
    private static final Pattern TWO_DIGITS = Pattern.compile("[0-9]{2}");
    private static final Pattern THREE_DIGITS = Pattern.compile("[0-9]{3}");
    private static final Pattern ONE_HEX_DIGIT = Pattern.compile("[0-9a-fA-F]");
    private static final Pattern TWO_HEX_DIGITS = Pattern.compile("[0-9a-fA-F]{2}");
    private static final Pattern FOUR_HEX_DIGITS = Pattern.compile("[0-9a-fA-F]{4}");
    private static final Pattern SYNSET_TYPE = Pattern.compile("[nvasr]");
    private static final Pattern NON_EMPTY = Pattern.compile("\\S+");
    private static final Pattern FRAME_MARKER = Pattern.compile("\\+");
    private static final Pattern GLOSS_MARKER = Pattern.compile("\\|");

    private final String source;
    private final SyntacticCategory category;
    private final LexNames lexNames;

    /**
     * @param source the data file being read, named in error messages
     * @param category the category of that file, which fixes the allowed {@code ss_type} letters
     * @param lexNames the mapping that turns {@code lex_filenum} into a name
     */
    DataLineParser(String source, SyntacticCategory category, LexNames lexNames) {
        this.source = source;
        this.category = category;
        this.lexNames = lexNames;
    }

    /**
     * Parses one synset line.
     *
     * @param lineNumber 1-based number of the line in its file, for error messages
     * @throws WordNetFormatException naming the first field that is missing or invalid
     */
    WordNetGloss parse(String line, long lineNumber) throws WordNetFormatException {
        FieldCursor fields = new FieldCursor(line, lineNumber);

        String offset = fields.next("synset_offset", OFFSET, "8 decimal digits");
        String lexFilenum = fields.next("lex_filenum", TWO_DIGITS, "2 decimal digits");
        String ssType = fields.next("ss_type", SYNSET_TYPE, "one of n, v, a, s, r");
        if (!category.hasSynsetType(ssType.charAt(0))) {
            throw error(lineNumber, "ss_type '" + ssType + "' does not belong in " + category.dataFileName()
                    + ", which contains only ss_type " + String.join(" or ", category.synsetTypes().split("")));
        }

        int wordCount = Integer.parseInt(fields.next("w_cnt", TWO_HEX_DIGITS, "2 hexadecimal digits"), 16);
        if (wordCount == 0) {
            throw error(lineNumber, "w_cnt is 00, but a synset has at least one word");
        }
        for (int i = 0; i < wordCount; i++) {
            fields.next("word", NON_EMPTY, "a word without spaces");
            fields.next("lex_id", ONE_HEX_DIGIT, "1 hexadecimal digit");
        }

        int pointerCount = Integer.parseInt(fields.next("p_cnt", THREE_DIGITS, "3 decimal digits"));
        for (int i = 0; i < pointerCount; i++) {
            fields.next("pointer_symbol", NON_EMPTY, "a pointer symbol");
            fields.next("pointer synset_offset", OFFSET, "8 decimal digits");
            fields.next("pointer pos", SYNSET_TYPE, "one of n, v, a, s, r");
            fields.next("pointer source/target", FOUR_HEX_DIGITS, "4 hexadecimal digits");
        }

        // Only data.verb has the generic sentence frames, and wndb(5WN) marks them optional.
        if (category == SyntacticCategory.VERB && !fields.nextIs("|")) {
            int frameCount = Integer.parseInt(fields.next("f_cnt", TWO_DIGITS, "2 decimal digits"));
            for (int i = 0; i < frameCount; i++) {
                fields.next("frame marker", FRAME_MARKER, "'+'");
                fields.next("f_num", TWO_DIGITS, "2 decimal digits");
                fields.next("w_num", TWO_HEX_DIGITS, "2 hexadecimal digits");
            }
        }

        fields.next("gloss marker", GLOSS_MARKER,
                "'|'. If the line contains one further on, w_cnt, p_cnt or f_cnt does not match the fields before it");
        String gloss = fields.rest().trim();
        if (gloss.isEmpty()) {
            throw error(lineNumber, "the gloss after '|' is empty");
        }

        LexName lexName = lookUpLexName(lexFilenum, lineNumber);
        if (lexName.category() != category) {
            throw error(lineNumber, "lex_filenum " + lexFilenum + " is " + lexName.name() + " in "
                    + lexNames.source() + ", which is not a file of " + category.dataFileName());
        }

        return new WordNetGloss(ssType + offset, gloss, lexName.name());
    }

    private LexName lookUpLexName(String lexFilenum, long lineNumber) throws WordNetFormatException {
        Optional<LexName> lexName = lexNames.find(Integer.parseInt(lexFilenum));
        if (lexName.isEmpty()) {
            throw error(lineNumber, "lex_filenum " + lexFilenum + " is not listed in " + lexNames.source());
        }
        return lexName.get();
    }

    private WordNetFormatException error(long lineNumber, String problem) {
        return new WordNetFormatException(source, lineNumber, problem);
    }

    /** Reads the space-separated fields of one line from left to right. */
    private final class FieldCursor {

        private final String line;
        private final long lineNumber;
        private int position;

        FieldCursor(String line, long lineNumber) {
            this.line = line;
            this.lineNumber = lineNumber;
        }

        /** Returns the next field after checking it against {@code pattern}, and moves past it. */
        String next(String name, Pattern pattern, String expected) throws WordNetFormatException {
            if (position >= line.length()) {
                throw error(lineNumber, "line ends where " + name + " was expected");
            }

            int end = fieldEnd();
            String field = line.substring(position, end);
            if (!pattern.matcher(field).matches()) {
                throw error(lineNumber, "invalid " + name + " '" + field + "': expected " + expected);
            }

            position = end + 1;
            return field;
        }

        /** Returns whether the next field equals {@code value}, without moving past it. */
        boolean nextIs(String value) {
            return position < line.length() && line.substring(position, fieldEnd()).equals(value);
        }

        private int fieldEnd() {
            int space = line.indexOf(' ', position);
            return space < 0 ? line.length() : space;
        }

        /** Returns the rest of the line after the fields read so far. */
        String rest() {
            return position >= line.length() ? "" : line.substring(position);
        }
    }
}
