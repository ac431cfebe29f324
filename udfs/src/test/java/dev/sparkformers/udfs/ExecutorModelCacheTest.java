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

    private static final class FakeModel implements AutoCloseable {
        volatile boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }
}
