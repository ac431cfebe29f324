package dev.sparkformers.tokenization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Paths of the tokenizer fixtures under {@code src/test/resources/tokenizers}, and helpers for copies. */
final class TokenizerFixtures {

    private TokenizerFixtures() {}

    /** Returns the all-MiniLM-L6-v2 BERT WordPiece tokenizer, whose tokenizer.json has padding and truncation blocks. */
    static Path miniLm() {
        return resource("/tokenizers/all-MiniLM-L6-v2");
    }

    /** Returns the GPT-2 byte-level BPE tokenizer, which has no pad token. */
    static Path gpt2() {
        return resource("/tokenizers/gpt2");
    }

    static Path resource(String name) {
        URL url = TokenizerFixtures.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException("test resource " + name + " not found on the classpath");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("test resource " + name + " has an invalid URL " + url, e);
        }
    }

    /** Copies the tokenizer files of {@code source} into {@code target}, so that a test can change them. */
    static Path copy(Path source, Path target) throws IOException {
        Files.createDirectories(target);
        try (Stream<Path> files = Files.list(source)) {
            files.filter(file -> file.getFileName().toString().endsWith(".json"))
                    .forEach(file -> copyFile(file, target.resolve(file.getFileName())));
        }
        return target;
    }

    static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }

    static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static void copyFile(Path from, Path to) {
        try {
            Files.copy(from, to);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
