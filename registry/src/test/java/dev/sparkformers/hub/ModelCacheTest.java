package dev.sparkformers.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkformers.onnx.OnnxImporter;
import dev.sparkformers.onnx.TinyBertExport;
import dev.sparkformers.safetensors.SafetensorsFile;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** Imports small generated BERT exports through a {@link ModelCache}, alone and in races. */
class ModelCacheTest {

    private static final Map<String, String> IDENTITY = Map.of("source", "tiny-bert", "version", "1");

    @TempDir
    Path directory;

    private Path root;
    private Path onnx;
    private Path tokenizer;
    private final AtomicInteger imports = new AtomicInteger();

    @BeforeEach
    void writeModel() throws IOException {
        root = directory.resolve("cache");
        onnx = new TinyBertExport().write(directory.resolve("model.onnx"));
        tokenizer = TinyBertExport.writeTokenizer(directory.resolve("tokenizer.json"), 40, true);
    }

    @Test
    void importsOnceThenReuses() throws IOException {
        ModelCache cache = new ModelCache(root);

        ModelCache.Entry first = cache.getOrImport("tiny-bert", IDENTITY, this::importTiny);
        FileTime markerTime = Files.getLastModifiedTime(first.directory().resolve(ModelCache.MARKER_FILE));
        ModelCache.Entry second = cache.getOrImport("tiny-bert", IDENTITY, this::importTiny);

        assertTrue(first.imported());
        assertFalse(second.imported());
        assertEquals(first.directory(), second.directory());
        assertEquals(root.resolve("tiny-bert"), first.directory());
        assertEquals(1, imports.get());
        assertEquals(markerTime, Files.getLastModifiedTime(second.directory().resolve(ModelCache.MARKER_FILE)));
        assertValidCheckpoint(first.directory());
    }

    @Test
    void threadsRacingImportOnce() throws Exception {
        int threads = 4;
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<ModelCache.Entry>> results = new ArrayList<>();
        try {
            for (int i = 0; i < threads; i++) {
                results.add(pool.submit(() -> {
                    start.await();
                    return new ModelCache(root).getOrImport("tiny-bert", IDENTITY, (target, scratch) -> {
                        // Hold the lock long enough for the other threads to arrive and wait.
                        try {
                            Thread.sleep(200);
                        } catch (InterruptedException e) {
                            throw new InterruptedIOException("interrupted before the import");
                        }
                        importTiny(target, scratch);
                    });
                }));
            }

            int imported = 0;
            for (Future<ModelCache.Entry> result : results) {
                ModelCache.Entry entry = result.get(60, TimeUnit.SECONDS);
                assertEquals(root.resolve("tiny-bert"), entry.directory());
                imported += entry.imported() ? 1 : 0;
            }
            assertEquals(1, imported);
            assertEquals(1, imports.get());
        } finally {
            pool.shutdownNow();
        }
        assertValidCheckpoint(root.resolve("tiny-bert"));
        assertOnlyEntryAndLockRemain();
    }

    @Test
    void jvmsRacingImportOnce() throws Exception {
        long startAt = System.currentTimeMillis() + 2_000;
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), CacheRaceMain.class.getName(),
                    root.toString(), onnx.toString(), tokenizer.toString(), Long.toString(startAt), "500")
                    .redirectErrorStream(true)
                    .start());
        }

        List<String> results = new ArrayList<>();
        for (Process process : processes) {
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "second JVM did not finish within 60 s");
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), output);
            results.add(output.lines().filter(line -> line.startsWith("RESULT ")).findFirst().orElseThrow(
                    () -> new AssertionError("no RESULT line in output:\n" + output)));
        }

        assertEquals(1, results.stream().filter(line -> line.contains("imported=true")).count(), results.toString());
        assertEquals(1, results.stream().filter(line -> line.contains("imported=false")).count(), results.toString());
        assertValidCheckpoint(root.resolve("tiny-bert"));
        assertOnlyEntryAndLockRemain();
    }

    @Test
    void failedImportLeavesNoEntry() throws IOException {
        ModelCache cache = new ModelCache(root);

        IOException error = assertThrows(IOException.class, () -> cache.getOrImport("tiny-bert", IDENTITY,
                (target, scratch) -> {
                    Files.createDirectories(target);
                    Files.writeString(target.resolve("config.json"), "{}");
                    throw new IOException("disk full");
                }));
        ModelCache.Entry retry = cache.getOrImport("tiny-bert", IDENTITY, this::importTiny);

        assertEquals("disk full", error.getMessage());
        assertTrue(retry.imported());
        assertValidCheckpoint(retry.directory());
        assertOnlyEntryAndLockRemain();
    }

    @Test
    void leftoversOfCrashedImportAreRemoved() throws IOException {
        Files.createDirectories(root.resolve(".tiny-bert.partial-crashed/checkpoint"));
        Files.createDirectories(root.resolve("tiny-bert"));
        Files.writeString(root.resolve("tiny-bert/config.json"), "{}");

        ModelCache.Entry entry = new ModelCache(root).getOrImport("tiny-bert", IDENTITY, this::importTiny);

        assertTrue(entry.imported());
        assertValidCheckpoint(entry.directory());
        assertOnlyEntryAndLockRemain();
    }

    @Test
    void differentIdentityImportsAgain() throws IOException {
        ModelCache cache = new ModelCache(root);
        cache.getOrImport("tiny-bert", IDENTITY, this::importTiny);

        ModelCache.Entry entry = cache.getOrImport("tiny-bert", Map.of("source", "tiny-bert", "version", "2"),
                this::importTiny);

        assertTrue(entry.imported());
        assertEquals(2, imports.get());
        assertTrue(Files.readString(entry.directory().resolve(ModelCache.MARKER_FILE)).contains("\"2\""));
    }

    @Test
    void importerThatWritesNothingFails() {
        IOException error = assertThrows(IOException.class,
                () -> new ModelCache(root).getOrImport("tiny-bert", IDENTITY, (target, scratch) -> { }));

        assertTrue(error.getMessage().contains("finished without creating"), error.getMessage());
        assertFalse(Files.exists(root.resolve("tiny-bert")));
    }

    @Test
    void pathLikeNameIsRejected() {
        ModelCache cache = new ModelCache(root);

        for (String name : List.of("../escape", "a/b", ".hidden", "", "x".repeat(201))) {
            assertThrows(IllegalArgumentException.class, () -> cache.getOrImport(name, IDENTITY, this::importTiny),
                    name);
        }
    }

    private void importTiny(Path target, Path scratch) throws IOException {
        imports.incrementAndGet();
        OnnxImporter.importModel(onnx, tokenizer, target);
    }

    private static void assertValidCheckpoint(Path checkpoint) throws IOException {
        for (String file : List.of("config.json", "tokenizer.json", "vocab.txt", "tokenizer_config.json",
                "special_tokens_map.json", "modules.json", "sentence_bert_config.json", "1_Pooling/config.json",
                ModelCache.MARKER_FILE)) {
            assertTrue(Files.isRegularFile(checkpoint.resolve(file)), checkpoint + " lacks " + file);
        }
        try (SafetensorsFile weights = SafetensorsFile.open(checkpoint.resolve("model.safetensors"))) {
            assertEquals(37, weights.tensors().size());
        }
    }

    private void assertOnlyEntryAndLockRemain() throws IOException {
        try (Stream<Path> entries = Files.list(root)) {
            assertEquals(List.of(".tiny-bert.lock", "tiny-bert"),
                    entries.map(path -> path.getFileName().toString()).sorted().toList());
        }
    }
}
