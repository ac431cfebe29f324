package dev.sparkformers.udfs;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Loaded models shared by every task thread of one JVM (a Spark executor, or the driver in
 * local mode): each key is loaded at most once while it stays cached.
 *
 * <p>The first thread that asks for a key loads it; the others wait for that load. Callers hold a
 * {@link Lease} while they use the model. The cache is bounded by bytes: when a release leaves it
 * above its limit, the least recently used models that no lease holds are closed and dropped. A
 * failed load is not cached, so the next task tries again.
 */
public final class ExecutorModelCache {

    /** System property with the byte limit; default {@value #DEFAULT_MAX_BYTES}. */
    public static final String MAX_BYTES_PROPERTY = "sparkformers.modelCache.maxBytes";

    /** Default byte limit: 16 GiB, several typical encoders or one 3B-parameter model in float32. */
    public static final long DEFAULT_MAX_BYTES = 16L << 30;

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModelCache.class);

    private static final ExecutorModelCache INSTANCE =
            new ExecutorModelCache(Long.getLong(MAX_BYTES_PROPERTY, DEFAULT_MAX_BYTES));

    private final long maxBytes;
    private final Map<String, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, AtomicLong> loadCounts = new ConcurrentHashMap<>();

    public ExecutorModelCache(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, but is " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    /** The cache of this JVM. */
    public static ExecutorModelCache get() {
        return INSTANCE;
    }

    /**
     * Returns a lease on the value for {@code key}, loading it with {@code loader} if it is not
     * cached. The lease must be closed when the caller is done with the value.
     *
     * @param bytes the value's approximate size, for the byte limit
     * @throws ModelLoadException if the load fails, with the cause
     */
    public <T extends AutoCloseable> Lease<T> acquire(String key, long bytes, Callable<T> loader) {
        Objects.requireNonNull(key, "key is null");
        Entry entry;
        boolean loadHere = false;
        synchronized (this) {
            entry = entries.get(key);
            if (entry == null) {
                entry = new Entry(key, bytes);
                entries.put(key, entry);
                loadHere = true;
            }
            entry.leases++;
        }

        if (loadHere) {
            load(entry, loader);
        }
        try {
            @SuppressWarnings("unchecked")
            T value = (T) entry.value.get();
            return new Lease<>(this, entry, value);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            release(entry);
            throw new ModelLoadException("Interrupted while waiting for model " + key + " to load", e);
        } catch (ExecutionException e) {
            release(entry);
            throw new ModelLoadException("Failed to load model " + key + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    private void load(Entry entry, Callable<? extends AutoCloseable> loader) {
        long start = System.nanoTime();
        LOG.info("Loading model {} into the executor cache", entry.key);
        try {
            AutoCloseable value = loader.call();
            loadCounts.computeIfAbsent(entry.key, k -> new AtomicLong()).incrementAndGet();
            entry.value.complete(value);
            LOG.info("Loaded model {} in {} ms", entry.key, (System.nanoTime() - start) / 1_000_000);
        } catch (Exception | Error e) {
            synchronized (this) {
                entries.remove(entry.key, entry);
            }
            entry.value.completeExceptionally(e);
            LOG.error("Failed to load model {}: {}", entry.key, e.toString());
        }
    }

    private void release(Entry entry) {
        List<Entry> evicted = new ArrayList<>();
        synchronized (this) {
            entry.leases--;
            long total = entries.values().stream().mapToLong(e -> e.bytes).sum();
            for (Entry candidate : List.copyOf(entries.values())) {
                if (total <= maxBytes) {
                    break;
                }
                if (candidate.leases == 0 && candidate.value.isDone()) {
                    entries.remove(candidate.key);
                    total -= candidate.bytes;
                    evicted.add(candidate);
                }
            }
        }
        for (Entry candidate : evicted) {
            LOG.info("Evicting model {} ({} bytes) from the executor cache", candidate.key, candidate.bytes);
            candidate.close();
        }
    }

    /** How many times {@code key} was loaded by this cache, for tests and metrics. */
    public long loadCount(String key) {
        AtomicLong count = loadCounts.get(key);
        return count == null ? 0 : count.get();
    }

    /** Total number of loads of any key. */
    public long totalLoads() {
        return loadCounts.values().stream().mapToLong(AtomicLong::get).sum();
    }

    /** Closes and drops every model no lease holds. */
    public void clear() {
        List<Entry> dropped = new ArrayList<>();
        synchronized (this) {
            for (Entry entry : List.copyOf(entries.values())) {
                if (entry.leases == 0) {
                    entries.remove(entry.key);
                    dropped.add(entry);
                }
            }
        }
        dropped.forEach(Entry::close);
    }

    /** Keys currently cached, least recently used first. */
    public synchronized List<String> keys() {
        return List.copyOf(entries.keySet());
    }

    /** A value held from the cache; closing returns it. */
    public static final class Lease<T> implements AutoCloseable {

        private final ExecutorModelCache cache;
        private final Entry entry;
        private final T value;
        private boolean closed;

        private Lease(ExecutorModelCache cache, Entry entry, T value) {
            this.cache = cache;
            this.entry = entry;
            this.value = value;
        }

        public T value() {
            if (closed) {
                throw new IllegalStateException("Lease on " + entry.key + " is closed");
            }
            return value;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                cache.release(entry);
            }
        }
    }

    /** A model load that failed. */
    public static final class ModelLoadException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        public ModelLoadException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final class Entry {

        private final String key;
        private final long bytes;
        private final CompletableFuture<AutoCloseable> value = new CompletableFuture<>();
        private int leases;

        Entry(String key, long bytes) {
            this.key = key;
            this.bytes = Math.max(0, bytes);
        }

        void close() {
            try {
                value.get().close();
            } catch (Exception e) {
                LOG.warn("Failed to close evicted model {}: {}", key, e.toString());
            }
        }
    }
}
