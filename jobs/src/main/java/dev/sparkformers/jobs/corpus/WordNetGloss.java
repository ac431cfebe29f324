package dev.sparkformers.jobs.corpus;

import java.util.Objects;

/**
 * One WordNet synset's gloss, the document unit of the sample corpus.
 *
 * @param id synset type letter followed by the 8-digit synset offset, such as {@code n02084071}
 * @param text the gloss after the {@code |}, trimmed: a definition and any quoted examples
 * @param lexname lexicographer file name of the synset, such as {@code noun.animal}
 */
public record WordNetGloss(String id, String text, String lexname) {

    public WordNetGloss {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(lexname, "lexname");
    }
}
