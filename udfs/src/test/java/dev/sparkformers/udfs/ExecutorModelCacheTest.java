package dev.sparkformers.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

class ExecutorModelCacheTest {

    @Test
    void concurrentTasksShareOneLoad() throws Exception {
        ExecutorModelCache cache = new ExecutorModelCache(1_000);
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<FakeModel>> futures = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            futures.add(threads.submit(() -> {
                start.await();
                try (ExecutorModelCache.Lease<FakeModel> lease = cache.acquire("m", 10, () -> {
                    loads.incrementAndGet();
                    Thread.sleep(50);
                    return new FakeModel();
                })) {
                    return lease.value();
                }
            }));
        }
        start.countDown();
        FakeModel first = futures.get(0).get(10, TimeUnit.SECONDS);
        for (Future<FakeModel> future : futures) {
            assertSame(first, future.get(10, TimeUnit.SECONDS));
        }
        threads.shutdown();
        assertEquals(1, loads.get());
        assertEquals(1, cache.loadCount("m"));
    }

    @Test
    void leastRecentlyUsedUnleasedModelIsEvicted() throws Exception {
        ExecutorModelCache cache = new ExecutorModelCache(100);
        FakeModel a = new FakeModel();
        FakeModel b = new FakeModel();
        cache.acquire("a", 60, () -> a).close();
        try (ExecutorModelCache.Lease<FakeModel> lease = cache.acquire("b", 60, () -> b)) {
            assertSame(b, lease.value());
        }
        assertTrue(a.closed, "the older model is closed once the limit is passed");
        assertFalse(b.closed);
        assertEquals(List.of("b"), cache.keys());
    }

    @Test
    void leasedModelIsNotEvicted() throws Exception {
        ExecutorModelCache cache = new ExecutorModelCache(100);
        FakeModel a = new FakeModel();
        try (ExecutorModelCache.Lease<FakeModel> held = cache.acquire("a", 60, () -> a)) {
            cache.acquire("b", 60, FakeModel::new).close();
            assertFalse(a.closed, "a leased model stays open");
            assertSame(a, held.value());
        }
    }

    @Test
    void failedLoadIsRetriedByTheNextTask() {
        ExecutorModelCache cache = new ExecutorModelCache(100);
        assertThrows(ExecutorModelCache.ModelLoadException.class, () -> cache.acquire("m", 1, () -> {
            throw new java.io.IOException("disk full");
        }));
        try (ExecutorModelCache.Lease<FakeModel> lease = cache.acquire("m", 1, FakeModel::new)) {
            assertFalse(lease.value().closed);
        }
        assertEquals(1, cache.loadCount("m"));
    }

    @Test
    void recentlyUsedModelSurvivesEviction() throws Exception {
        ExecutorModelCache cache = new ExecutorModelCache(100);
        FakeModel a = new FakeModel();
        FakeModel b = new FakeModel();
        cache.acquire("a", 40, () -> a).close();
        cache.acquire("b", 40, () -> b).close();
        cache.acquire("a", 40, FakeModel::new).close();
        cache.acquire("c", 40, FakeModel::new).close();

        assertTrue(b.closed, "b is the least recently used once a is used again");
        assertFalse(a.closed);
        assertEquals(List.of("a", "c"), cache.keys());
        assertEquals(1, cache.loadCount("a"), "a stayed cached, so it was not loaded again");
    }

    @Test
    void oversizedModelDroppedAfterUse() throws Exception {
        ExecutorModelCache cache = new ExecutorModelCache(100);
        FakeModel big = new FakeModel();
        try (ExecutorModelCache.Lease<FakeModel> lease = cache.acquire("big", 500, () -> big)) {
            assertFalse(lease.value().closed, "a model over the limit still loads and stays open while leased");
        }
        assertTrue(big.closed);
        assertEquals(List.of(), cache.keys());
    }

    @Test
    void concurrentEvictionSparesLeasedModels() throws Exception {
        // Room for two of the five models: threads keep evicting and reloading while others hold leases.
        ExecutorModelCache cache = new ExecutorModelCache(250);
        List<FakeModel> created = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger closedWhileLeased = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int seed = t;
            futures.add(threads.submit(() -> {
                java.util.Random random = new java.util.Random(seed);
                for (int i = 0; i < 300; i++) {
                    String key = "m" + random.nextInt(5);
                    try (ExecutorModelCache.Lease<FakeModel> lease = cache.acquire(key, 100, () -> {
                        FakeModel model = new FakeModel();
                        created.add(model);
                        return model;
                    })) {
                        if (lease.value().closed) {
                            closedWhileLeased.incrementAndGet();
                        }
                        Thread.yield();
                        if (lease.value().closed) {
                            closedWhileLeased.incrementAndGet();
                        }
                    }
                }
                return null;
            }));
        }
        for (Future<?> future : futures) {
            future.get(60, TimeUnit.SECONDS);
        }
        threads.shutdown();

        assertEquals(0, closedWhileLeased.get(), "a leased model was closed by an eviction");
        assertTrue(cache.keys().size() <= 2, "the cache holds at most 250 bytes: " + cache.keys());
        long open = created.stream().filter(model -> !model.closed).count();
        assertEquals(cache.keys().size(), open, "every evicted model is closed, every cached one open");
        assertEquals(created.size(), cache.totalLoads(), "each load is counted once");
    }

    private static final class FakeModel implements AutoCloseable {
        volatile boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }
}
