package dev.sparkformers.tokenization;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Reads the JSON files of a HuggingFace tokenizer directory, with a size bound per file. */
final class TokenizerFiles {

    /** The fast-tokenizer file; required. */
    static final String TOKENIZER_FILE = "tokenizer.json";

    /** Settings of the transformers tokenizer class; optional. */
    static final String TOKENIZER_CONFIG_FILE = "tokenizer_config.json";

    /** Legacy file with the special tokens; optional. */
    static final String SPECIAL_TOKENS_MAP_FILE = "special_tokens_map.json";

    /**
     * Largest {@code tokenizer.json} read, in bytes. The GPT-2 file (50,257 tokens and 50,000
     * merges) is 2.1 MB, so this bound leaves room for vocabularies many times larger. It stops a
     * wrong file from filling the heap, because the whole file is held in memory as a string.
     */
    static final long MAX_TOKENIZER_JSON_BYTES = 256L * 1024 * 1024;

    /**
     * Largest {@code tokenizer_config.json} or {@code special_tokens_map.json} read, in bytes. It
     * leaves room for chat templates and an {@code added_tokens_decoder} with thousands of entries.
     */
    static final long MAX_CONFIG_JSON_BYTES = 16L * 1024 * 1024;

    /** Most directory entries named when {@code tokenizer.json} is missing. */
    private static final int MAX_LISTED_FILES = 40;

    static final ObjectMapper JSON = JsonMapper.builder().build();

    static {
        // tokenizer.json nests about 6 levels deep; a much deeper file is not a tokenizer.
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(64)
                .build());
    }

    private TokenizerFiles() {}

    /**
     * Checks that {@code directory} is a directory that contains {@code tokenizer.json}.
     *
     * @throws InvalidTokenizerException naming the directory and, when {@code tokenizer.json} is
     *     missing, the files that are there
     */
    static Path requireTokenizerFile(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            throw new InvalidTokenizerException(directory.toString(), "tokenizer directory not found");
        }
        if (!Files.isDirectory(directory)) {
            throw new InvalidTokenizerException(directory.toString(), "is not a directory; pass the directory "
                    + "that contains " + TOKENIZER_FILE + ", not a file");
        }
        Path file = directory.resolve(TOKENIZER_FILE);
        if (!Files.isRegularFile(file)) {
            throw new InvalidTokenizerException(directory.toString(), TOKENIZER_FILE + " not found; the directory "
                    + "contains " + listFiles(directory) + ". Only fast tokenizers (" + TOKENIZER_FILE
                    + ") are supported; convert a vocab.txt or vocab.json/merges.txt tokenizer with "
                    + "HuggingFace's tokenizer.save_pretrained() in Python");
        }
        return file;
    }

    /**
     * Reads and parses a JSON file whose top level must be an object.
     *
     * @param maxBytes the largest file size accepted
     * @throws InvalidTokenizerException if the file is too large, not UTF-8, not JSON or not an object
     */
    static ObjectNode readJsonObject(Path file, long maxBytes) throws IOException {
        String text = readUtf8(file, maxBytes);
        return parseJsonObject(file.toString(), text);
    }

    /** Parses JSON text whose top level must be an object; {@code location} names it in errors. */
    static ObjectNode parseJsonObject(String location, String text) throws InvalidTokenizerException {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            String position = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new InvalidTokenizerException(location, "is not valid JSON (" + e.getOriginalMessage()
                    + position + "); the file is corrupt or truncated", e);
        }
        if (root == null || root.isMissingNode()) {
            throw new InvalidTokenizerException(location, "is empty; expected a JSON object");
        }
        if (!root.isObject()) {
            throw new InvalidTokenizerException(location, "must contain a JSON object, but contains "
                    + describeType(root));
        }
        return (ObjectNode) root;
    }

    /** Returns the JSON type of a node with its article, for error messages ("an array", "null"). */
    static String describeType(JsonNode node) {
        String type = node.getNodeType().toString().toLowerCase(Locale.ROOT);
        if (node.isNull()) {
            return "null";
        }
        return (type.startsWith("a") || type.startsWith("o") ? "an " : "a ") + type;
    }

    /** Reads a whole file as strict UTF-8, rejecting files larger than {@code maxBytes}. */
    static String readUtf8(Path file, long maxBytes) throws IOException {
        long size = Files.size(file);
        if (size > maxBytes) {
            throw new InvalidTokenizerException(file.toString(), "is " + size + " bytes, more than the limit of "
                    + maxBytes + " bytes for this file; check that it is the right file");
        }

        // Read at most maxBytes + 1 so that a file that grows after the size check is still caught.
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8L, maxBytes + 1));
        }
        if (bytes.length > maxBytes) {
            throw new InvalidTokenizerException(file.toString(), "is more than the limit of " + maxBytes
                    + " bytes for this file; check that it is the right file");
        }

        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidTokenizerException(file.toString(), "is not valid UTF-8 text; tokenizer files are "
                    + "UTF-8 JSON", e);
        }
    }

    private static String listFiles(Path directory) {
        List<String> names;
        try (Stream<Path> entries = Files.list(directory)) {
            names = entries.map(path -> path.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            return "entries that could not be listed (" + e.getMessage() + ")";
        }
        if (names.isEmpty()) {
            return "no files";
        }
        if (names.size() > MAX_LISTED_FILES) {
            return names.subList(0, MAX_LISTED_FILES) + " and " + (names.size() - MAX_LISTED_FILES) + " more";
        }
        return names.toString();
    }
}
