package dev.sparkformers.jobs.corpus;

/**
 * A WordNet syntactic category, with the data file, the {@code lexnames} code and the
 * {@code ss_type} letters that belong to it (wndb(5WN) and lexnames(5WN) of WordNet 3.0).
 */
public enum SyntacticCategory {

    NOUN("data.noun", 1, "n"),
    VERB("data.verb", 2, "v"),
    /** Adjectives, whose data file contains both head synsets ({@code a}) and satellites ({@code s}). */
    ADJECTIVE("data.adj", 3, "as"),
    ADVERB("data.adv", 4, "r");

    private final String dataFileName;
    private final int lexnamesCode;
    private final String synsetTypes;

    SyntacticCategory(String dataFileName, int lexnamesCode, String synsetTypes) {
        this.dataFileName = dataFileName;
        this.lexnamesCode = lexnamesCode;
        this.synsetTypes = synsetTypes;
    }

    /** Name of this category's data file in a WordNet database directory, such as {@code data.noun}. */
    public String dataFileName() {
        return dataFileName;
    }

    /** Code of this category in the third field of a {@code lexnames} line: 1 to 4. */
    public int lexnamesCode() {
        return lexnamesCode;
    }

    /** Whether {@code ssType} is a synset type letter that this category's data file may contain. */
    public boolean hasSynsetType(char ssType) {
        return synsetTypes.indexOf(ssType) >= 0;
    }

    /** The {@code ss_type} letters of this category, such as {@code "as"} for adjectives. */
    public String synsetTypes() {
        return synsetTypes;
    }

    /**
     * Returns the category with the given {@code lexnames} code.
     *
     * @throws IllegalArgumentException if the code is not 1, 2, 3 or 4
     */
    public static SyntacticCategory fromLexnamesCode(int code) {
        for (SyntacticCategory category : values()) {
            if (category.lexnamesCode == code) {
                return category;
            }
        }
        throw new IllegalArgumentException(
                "Invalid syntactic category code " + code + ": lexnames uses 1 (noun), 2 (verb), 3 (adjective) or 4 (adverb)");
    }

    /**
     * Returns the category of a synset type letter.
     *
     * @throws IllegalArgumentException if the letter is not n, v, a, s or r
     */
    public static SyntacticCategory fromSynsetType(char ssType) {
        for (SyntacticCategory category : values()) {
            if (category.hasSynsetType(ssType)) {
                return category;
            }
        }
        throw new IllegalArgumentException(
                "Invalid synset type '" + ssType + "': WordNet uses n, v, a, s or r");
    }
}
