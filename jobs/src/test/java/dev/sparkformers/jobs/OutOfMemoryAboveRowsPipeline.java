package dev.sparkformers.jobs;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

import dev.sparkformers.pipelines.Pipeline;
import dev.sparkformers.pipelines.PipelineFactory;
import dev.sparkformers.pipelines.PipelineOptions;
import dev.sparkformers.pipelines.SentenceEmbeddingPipeline;
import dev.sparkformers.tokenization.Encoding;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The sentence-embedding pipeline, except that a batch of more than {@link #ROWS_THAT_FIT} rows makes
 * the native engine fail to allocate memory, as a batch too large for the device does.
 */
final class OutOfMemoryAboveRowsPipeline extends SentenceEmbeddingPipeline {

    /** Task name under which {@link Factory} registers this pipeline. */
    static final String TASK = "test-sentence-embedding-out-of-memory";

    /** Maximum rows of a batch that fits. */
    static final int ROWS_THAT_FIT = 3;

    /** Batches whose allocation failed, over every instance in this JVM. */
    static final AtomicInteger FAILED_BATCHES = new AtomicInteger();

    /** Maximum rows of a batch that went through the model, over every instance in this JVM. */
    static final AtomicInteger MAX_BATCH_FORWARDED = new AtomicInteger();

    /**
     * Shape whose float32 storage is 2^62 bytes (4 EiB), more than any 64-bit address space maps.
     * The allocator's request fails at once, so nothing is allocated or touched.
     */
    private static final Shape IMPOSSIBLE = new Shape(1L << 30, 1L << 30);

    private OutOfMemoryAboveRowsPipeline(SentenceEmbeddingPipeline pipeline) {
        super(pipeline.model(), pipeline.tokenizer(), pipeline.settings());
    }

    @Override
    public List<float[]> forward(List<Encoding> batch, Map<String, Object> parameters) {
        if (batch.size() > ROWS_THAT_FIT) {
            FAILED_BATCHES.incrementAndGet();
            try (NDArray array = model().manager().create(IMPOSSIBLE)) {
                throw new IllegalStateException("The engine allocated an array of shape " + array.getShape()
                        + "; this test needs an allocation that fails");
            }
        }
        MAX_BATCH_FORWARDED.accumulateAndGet(batch.size(), Math::max);
        return super.forward(batch, parameters);
    }

    /** Builds the pipeline from a sentence-embedding checkpoint. */
    static final class Factory implements PipelineFactory {

        @Override
        public String task() {
            return TASK;
        }

        @Override
        public Pipeline<?, ?, ?> create(Path directory, PipelineOptions options) throws IOException {
            return new OutOfMemoryAboveRowsPipeline(SentenceEmbeddingPipeline.fromPretrained(directory,
                    options.load()));
        }
    }
}
