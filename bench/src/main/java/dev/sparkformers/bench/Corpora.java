package dev.sparkformers.bench;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkformers.jobs.corpus.WordNetGloss;
import dev.sparkformers.jobs.corpus.WordNetGlosses;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The benchmark corpus: every WordNet gloss when Debian's wordnet-base is installed, else the sample corpus. */
final class Corpora {

    private static final Path WORDNET = WordNetGlosses.DEBIAN_WORDNET_DIR;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Corpora() {}

    /**
     * Writes the corpus to {@code target} as JSON lines and returns a description of it.
     *
     * @param sample the sample corpus, used when WordNet is not installed
     * @param maxDocuments at most this many documents; 0 for all
     */
    static String prepare(Path target, Path sample, int maxDocuments) throws IOException {
        List<String> lines = new ArrayList<>();
        String source;
        if (Files.isRegularFile(WORDNET.resolve("data.noun"))) {
            for (WordNetGloss gloss : WordNetGlosses.read(WORDNET)) {
                lines.add(JSON.writeValueAsString(Map.of("id", gloss.id(), "text", gloss.text())));
            }
            source = "all WordNet 3.0 glosses from " + WORDNET;
        } else {
            lines.addAll(Files.readAllLines(sample));
            source = "the sample corpus " + sample + " (install Debian's wordnet-base for all glosses)";
        }
        if (maxDocuments > 0 && lines.size() > maxDocuments) {
            lines = lines.subList(0, maxDocuments);
        }
        Files.createDirectories(target.getParent());
        try (BufferedWriter out = Files.newBufferedWriter(target)) {
            for (String line : lines) {
                out.write(line);
                out.newLine();
            }
        }
        return lines.size() + " documents: " + source;
    }

    /** Reads the texts of a JSON lines corpus. */
    static List<String> texts(Path corpus) throws IOException {
        List<String> texts = new ArrayList<>();
        for (String line : Files.readAllLines(corpus)) {
            texts.add(JSON.readTree(line).get("text").asText());
        }
        return texts;
    }
}
