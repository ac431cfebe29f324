package dev.sparkformers.bench;

import dev.sparkformers.hub.BuiltinModels;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.pipelines.PipelineRunner;
import dev.sparkformers.pipelines.SentenceEmbeddingPipeline;
import dev.sparkformers.pipelines.StageParameters;
import dev.sparkformers.pipelines.TokenBudgetBatcher;
import dev.sparkformers.runtime.NativeMemory;
import dev.sparkformers.runtime.TorchThreads;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A memory soak: many small batches through one shared model on several worker threads, as the
 * task threads of an executor run them, with the resident set size sampled along the way. A leak
 * per forward pass shows as steady growth over thousands of batches. The blocks that glibc keeps
 * after they are freed show as a plateau instead, which appears early and then stays. Run it with a
 * fixed, pre-touched Java heap ({@code -Xms512m -Xmx512m -XX:+AlwaysPreTouch}) so that heap growth
 * does not show as RSS growth.
 */
final class Soak {

    /** Samples taken over the run. */
    private static final int SAMPLES = 20;

    private Soak() {}

    /** One sample: batches done so far, and the resident set size and the Java heap's committed size then. */
    record Sample(int batches, long residentBytes, long heapBytes) {

        static Sample now(int batches) {
            return new Sample(batches, ProcessMemory.residentBytes(), Runtime.getRuntime().totalMemory());
        }
    }

    /**
     * Runs {@code batches} batches of {@code batchSize} texts from the corpus, cycling through it,
     * on {@code settings.threads()} worker threads with one intra-op thread each, and writes a
     * table of the samples to {@code out} and to {@code soak.md} in the work directory.
     */
    static List<Sample> run(BenchSettings settings, int batches, int batchSize, PrintWriter out) throws Exception {
        TorchThreads.setIntraOpThreads(1);
        List<String> texts = Corpora.texts(settings.corpus());
        List<Sample> samples = new ArrayList<>();

        try (SentenceEmbeddingPipeline pipeline = SentenceEmbeddingPipeline.fromPretrained(
                BuiltinModels.defaultEmbeddingModel(), LoadOptions.defaults())) {
            StageParameters parameters = pipeline.sanitizeParameters(Map.of());
            samples.add(Sample.now(0));
            int interval = Math.max(1, batches / SAMPLES);
            AtomicInteger next = new AtomicInteger();
            AtomicInteger done = new AtomicInteger();

            ExecutorService workers = Executors.newFixedThreadPool(settings.threads());
            List<Future<?>> futures = new ArrayList<>();
            for (int worker = 0; worker < settings.threads(); worker++) {
                futures.add(workers.submit(() -> {
                    // Each batch is its own runner call, so every batch is one forward pass.
                    var runner = new PipelineRunner<>(pipeline,
                            new TokenBudgetBatcher(Integer.MAX_VALUE, batchSize));
                    for (int batch = next.getAndIncrement(); batch < batches; batch = next.getAndIncrement()) {
                        int start = (int) ((long) batch * batchSize % texts.size());
                        List<String> inputs = new ArrayList<>(batchSize);
                        for (int i = 0; i < batchSize; i++) {
                            inputs.add(texts.get((start + i) % texts.size()));
                        }
                        runner.run(inputs, parameters);

                        int finished = done.incrementAndGet();
                        if (finished % interval == 0) {
                            synchronized (samples) {
                                samples.add(Sample.now(finished));
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
            workers.shutdown();
        }

        String table = table(samples, batches, batchSize, settings.threads());
        out.println(table);
        Files.writeString(settings.workDirectory().resolve("soak.md"), table);
        return samples;
    }

    private static String table(List<Sample> samples, int batches, int batchSize, int threads) {
        StringBuilder text = new StringBuilder();
        text.append(String.format("Soak: %d batches of %d texts on %d threads, %s=%s%n%n", batches, batchSize,
                threads, NativeMemory.ENVIRONMENT_VARIABLE, NativeMemory.releaseAfterEachBatch()));
        text.append("| batches | RSS MiB | Java heap committed MiB |\n|---:|---:|---:|\n");
        samples.sort((a, b) -> Integer.compare(a.batches(), b.batches()));
        for (Sample sample : samples) {
            text.append(String.format("| %d | %d | %d |%n", sample.batches(), sample.residentBytes() >> 20,
                    sample.heapBytes() >> 20));
        }

        // Growth is measured from the tenth of the run onwards, after the arenas have filled once.
        Sample warm = samples.get(Math.min(samples.size() - 1, Math.max(1, samples.size() / 10)));
        Sample last = samples.get(samples.size() - 1);
        double growth = (last.residentBytes() - warm.residentBytes()) / 1048576.0;
        double perThousand = last.batches() == warm.batches() ? 0 : growth * 1000 / (last.batches() - warm.batches());
        text.append(String.format("%nRSS growth after batch %d: %+.1f MiB in total, %+.2f MiB per 1,000 batches%n",
                warm.batches(), growth, perThousand));
        return text.toString();
    }
}
