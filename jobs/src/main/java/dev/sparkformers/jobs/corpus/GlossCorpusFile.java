package dev.sparkformers.jobs.corpus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * The sample corpus file: UTF-8 JSON lines, one {@code {"id":...,"text":...,"lexname":...}}
 * object per gloss with the fields in that order, each line ending in {@code \n}.
 */
public final class GlossCorpusFile {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final Set<String> FIELDS = Set.of("id", "text", "lexname");

    private GlossCorpusFile() {
    }

    /**
     * Writes glosses in the given order, replacing {@code file} only once the whole content is
     * written, and creates missing parent directories.
     */
    public static void write(Path file, List<WordNetGloss> glosses) throws IOException {
        Path absolute = file.toAbsolutePath();
        Files.createDirectories(absolute.getParent());

        Path partial = absolute.resolveSibling(absolute.getFileName() + ".partial");
        try (BufferedWriter writer = Files.newBufferedWriter(partial, StandardCharsets.UTF_8)) {
            for (WordNetGloss gloss : glosses) {
                writer.write(toJsonLine(gloss));
                writer.write('\n');
            }
        }
        Files.move(partial, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Returns the JSON object of one gloss, without a line break. */
    static String toJsonLine(WordNetGloss gloss) throws JsonProcessingException {
        ObjectNode node = JSON.createObjectNode()
                .put("id", gloss.id())
                .put("text", gloss.text())
                .put("lexname", gloss.lexname());
        return JSON.writeValueAsString(node);
    }

    /**
     * Reads a corpus file in file order.
     *
     * @throws IOException naming the file and line of the first line that is not a JSON object
     *     with exactly the string fields id, text and lexname
     */
    public static List<WordNetGloss> read(Path file) throws IOException {
        List<WordNetGloss> glosses = new ArrayList<>();
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            long lineNumber = 0;
            String line;
            while ((line = reader.readLine()) != null) {
                lineNumber++;
                glosses.add(parseLine(line, file, lineNumber));
            }
        }
        return glosses;
    }

    private static WordNetGloss parseLine(String line, Path file, long lineNumber) throws IOException {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new IOException(file + " line " + lineNumber + ": invalid JSON: " + e.getOriginalMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new IOException(file + " line " + lineNumber + ": expected a JSON object");
        }

        Iterator<String> names = node.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new IOException(file + " line " + lineNumber + ": invalid field '" + name
                        + "': expected only id, text and lexname");
            }
        }
        for (String name : FIELDS) {
            if (!node.path(name).isTextual()) {
                throw new IOException(file + " line " + lineNumber + ": field '" + name + "' is missing or not a string");
            }
        }

        return new WordNetGloss(node.get("id").asText(), node.get("text").asText(), node.get("lexname").asText());
    }
}
