package dev.sparkformers.hub;

import dev.sparkformers.onnx.OnnxImporter;

import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Entry point of a second JVM in {@link ModelCacheTest}: waits until a shared start time, then
 * requests a cache entry whose import takes a while, and prints whether this JVM imported it.
 *
 * <p>Arguments: cache root, ONNX file, tokenizer.json, start time in epoch milliseconds, and how
 * long the import holds the lock before it starts, in milliseconds.
 */
public final class CacheRaceMain {

    private CacheRaceMain() {}

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        Path onnx = Path.of(args[1]);
        Path tokenizer = Path.of(args[2]);
        long startAt = Long.parseLong(args[3]);
        long holdMillis = Long.parseLong(args[4]);

        Thread.sleep(Math.max(0, startAt - System.currentTimeMillis()));
        ModelCache.Entry entry = new ModelCache(root).getOrImport("tiny-bert", Map.of("onnx", onnx.toString()),
                (target, scratch) -> {
                    try {
                        Thread.sleep(holdMillis);
                    } catch (InterruptedException e) {
                        throw new InterruptedIOException("interrupted before the import");
                    }
                    OnnxImporter.importModel(onnx, tokenizer, target);
                });
        System.out.println("RESULT imported=" + entry.imported() + " directory=" + entry.directory());
    }
}
