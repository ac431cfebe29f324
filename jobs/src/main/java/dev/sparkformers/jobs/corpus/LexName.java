package dev.sparkformers.jobs.corpus;

/**
 * One entry of WordNet's {@code lexnames} file.
 *
 * @param number the lexicographer file number, which data files store as {@code lex_filenum}
 * @param name the lexicographer file name, such as {@code noun.animal}
 * @param category the syntactic category of the synsets in that file
 */
public record LexName(int number, String name, SyntacticCategory category) {
}
