package dev.sparkformers.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import dev.sparkformers.hub.BuiltinModels;
import dev.sparkformers.jobs.EmbedJob;
import dev.sparkformers.jobs.EmbedOptions;
import dev.sparkformers.jobs.JobSummary;
import dev.sparkformers.jobs.SparkSessions;
import dev.sparkformers.jobs.WriteMode;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.pipelines.PipelineRunner;
import dev.sparkformers.pipelines.SentenceEmbeddingPipeline;
import dev.sparkformers.pipelines.StageParameters;
import dev.sparkformers.pipelines.TokenBudgetBatcher;
import dev.sparkformers.runtime.TorchThreads;
import dev.sparkformers.tokenization.AutoTokenizer;
import dev.sparkformers.tokenization.BatchEncoding;
import dev.sparkformers.tokenization.EncodeOptions;
import dev.sparkformers.tokenization.Encoding;
import dev.sparkformers.tokenization.PaddingStrategy;
import dev.sparkformers.tokenization.PreTrainedTokenizer;
import dev.sparkformers.tokenization.Side;
import dev.sparkformers.udfs.PartitionSettings;

import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The four measured workloads, each on the whole corpus and producing normalised mean-pooled
 * all-MiniLM-L6-v2 embeddings: (a) the embed job end to end in local Spark; (b) Sparkformers'
 * forward loop without Spark; (c) ONNX Runtime on fixed batches of 32 x 128 tokens; (d) ONNX
 * Runtime on the same token-budget batches as (a) and (b). Every phase includes tokenization.
 */
final class Phases {

    private static final int FIXED_BATCH = 32;
    private static final int FIXED_LENGTH = 128;
    private static final int HIDDEN = 384;

    private Phases() {}

    static PhaseResult run(String phase, BenchSettings settings) throws Exception {
        return switch (phase) {
            case "a" -> embedJob(settings);
            case "b" -> forwardLoop(settings);
            case "c" -> onnxFixed(settings);
            case "d" -> onnxBudget(settings);
            default -> throw new IllegalArgumentException("Unknown phase '" + phase + "'; phases are a, b, c, d");
        };
    }

    /** (a) The embed job, as a user runs it, on local[threads]. */
    private static PhaseResult embedJob(BenchSettings settings) throws IOException {
        SparkSession spark = SparkSessions.create("sparkformers-bench", "local[" + settings.threads() + "]",
                Map.of("spark.ui.enabled", "false"));
        try {
            String output = settings.workDirectory().resolve("embed-job-output").toString();
            EmbedOptions options = EmbedOptions.defaults(settings.corpus().toString(), output)
                    .withMode(WriteMode.OVERWRITE)
                    .withPartition(new PartitionSettings(settings.chunkRows(), settings.batchTokens(),
                            settings.maxBatchSize()), null);
            JobSummary summary = EmbedJob.run(spark, options);
            return new PhaseResult("a", summary.seconds(), summary.rows(), summary.tokens(), summary.paddedTokens(),
                    Double.NaN, Double.NaN, ProcessMemory.peakResidentBytes(), Double.NaN);
        } finally {
            spark.stop();
        }
    }

    /** (b) The pipeline runner on `threads` worker threads, one intra-op thread each, as Spark tasks run it. */
    private static PhaseResult forwardLoop(BenchSettings settings) throws Exception {
        TorchThreads.setIntraOpThreads(settings.threads());
        double ceiling = GemmCeiling.measure();
        // Spark tasks use one intra-op thread each; -Dsparkformers.bench.intraOpThreads measures other settings.
        TorchThreads.setIntraOpThreads(Integer.getInteger("sparkformers.bench.intraOpThreads", 1));
        List<String> texts = Corpora.texts(settings.corpus());

        long loadStart = System.nanoTime();
        try (SentenceEmbeddingPipeline pipeline = SentenceEmbeddingPipeline.fromPretrained(
                BuiltinModels.defaultEmbeddingModel(), LoadOptions.defaults())) {
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            StageParameters parameters = pipeline.sanitizeParameters(Map.of());
            AtomicLong real = new AtomicLong();
            AtomicLong padded = new AtomicLong();
            DoubleAdder flops = new DoubleAdder();
            BertFlops counter = BertFlops.miniLm();
            PipelineRunner.BatchListener listener = (rows, longest, realTokens) -> {
                real.addAndGet(realTokens);
                padded.addAndGet((long) rows * longest);
                flops.add(counter.call(rows, longest));
            };

            long start = System.nanoTime();
            ExecutorService workers = Executors.newFixedThreadPool(settings.threads());
            List<Future<?>> futures = new ArrayList<>();
            for (List<String> chunk : chunks(texts, settings.chunkRows())) {
                futures.add(workers.submit(() -> new PipelineRunner<>(pipeline,
                        new TokenBudgetBatcher(settings.batchTokens(), settings.maxBatchSize()), listener)
                        .run(chunk, parameters)));
            }
            for (Future<?> future : futures) {
                future.get();
            }
            workers.shutdown();
            double seconds = (System.nanoTime() - start) / 1e9;
            return new PhaseResult("b", seconds, texts.size(), real.get(), padded.get(), flops.sum(), loadSeconds,
                    ProcessMemory.peakResidentBytes(), ceiling);
        }
    }

    /** (c) ONNX Runtime as commonly run: fixed batches of 32 texts padded or cut to 128 tokens. */
    private static PhaseResult onnxFixed(BenchSettings settings) throws Exception {
        List<String> texts = Corpora.texts(settings.corpus());
        try (OnnxRunner runner = OnnxRunner.open(settings.threads())) {
            EncodeOptions options = EncodeOptions.builder().truncation(true).maxLength(FIXED_LENGTH)
                    .padding(PaddingStrategy.MAX_LENGTH).build();
            long start = System.nanoTime();
            for (List<String> batch : chunks(texts, FIXED_BATCH)) {
                runner.embed(runner.tokenizer().batchEncode(batch, options));
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return runner.result("c", seconds, texts.size());
        }
    }

    /** (d) ONNX Runtime on the token-budget batches of (a) and (b). */
    private static PhaseResult onnxBudget(BenchSettings settings) throws Exception {
        List<String> texts = Corpora.texts(settings.corpus());
        try (OnnxRunner runner = OnnxRunner.open(settings.threads())) {
            EncodeOptions options = EncodeOptions.builder().truncation(true).maxLength(256).build();
            TokenBudgetBatcher batcher = new TokenBudgetBatcher(settings.batchTokens(), settings.maxBatchSize());
            long start = System.nanoTime();
            for (List<String> chunk : chunks(texts, settings.chunkRows())) {
                List<Encoding> encodings = new ArrayList<>();
                for (String text : chunk) {
                    encodings.add(runner.tokenizer().encode(text, options));
                }
                int[] lengths = encodings.stream().mapToInt(Encoding::length).toArray();
                for (int[] batch : batcher.batches(lengths)) {
                    List<Encoding> rows = new ArrayList<>();
                    for (int row : batch) {
                        rows.add(encodings.get(row));
                    }
                    runner.embed(runner.tokenizer().pad(rows, Side.RIGHT));
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return runner.result("d", seconds, texts.size());
        }
    }

    private static <T> List<List<T>> chunks(List<T> items, int size) {
        List<List<T>> chunks = new ArrayList<>();
        for (int start = 0; start < items.size(); start += size) {
            chunks.add(items.subList(start, Math.min(start + size, items.size())));
        }
        return chunks;
    }

    /** An ONNX Runtime session over the original all-MiniLM-L6-v2 export, with mean pooling in Java. */
    private static final class OnnxRunner implements AutoCloseable {

        private final OrtEnvironment environment;
        private final OrtSession session;
        private final PreTrainedTokenizer tokenizer;
        private final double loadSeconds;
        private final BertFlops counter = BertFlops.miniLm();
        private long real;
        private long padded;
        private double flops;

        private OnnxRunner(OrtEnvironment environment, OrtSession session, PreTrainedTokenizer tokenizer,
                double loadSeconds) {
            this.environment = environment;
            this.session = session;
            this.tokenizer = tokenizer;
            this.loadSeconds = loadSeconds;
        }

        static OnnxRunner open(int threads) throws IOException, OrtException {
            long start = System.nanoTime();
            byte[] model;
            try (InputStream in = Phases.class.getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
                if (in == null) {
                    throw new IOException("all-minilm-l6-v2.onnx is not on the classpath");
                }
                model = in.readAllBytes();
            }
            OrtEnvironment environment = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions options = new OrtSession.SessionOptions();
            options.setIntraOpNumThreads(threads);
            options.setInterOpNumThreads(1);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            OrtSession session = environment.createSession(model, options);
            double loadSeconds = (System.nanoTime() - start) / 1e9;
            Path checkpoint = BuiltinModels.defaultEmbeddingModel();
            return new OnnxRunner(environment, session, AutoTokenizer.fromPretrained(checkpoint), loadSeconds);
        }

        PreTrainedTokenizer tokenizer() {
            return tokenizer;
        }

        /** Runs one padded batch and pools it; the embeddings are computed and dropped. */
        void embed(BatchEncoding batch) throws OrtException {
            int rows = batch.size();
            int length = batch.sequenceLength();
            long[] shape = {rows, length};
            long[][] mask = batch.attentionMask();
            try (OnnxTensor ids = OnnxTensor.createTensor(environment, LongBuffer.wrap(flatten(batch.inputIds())), shape);
                    OnnxTensor attention = OnnxTensor.createTensor(environment, LongBuffer.wrap(flatten(mask)), shape);
                    OnnxTensor types = OnnxTensor.createTensor(environment,
                            LongBuffer.wrap(flatten(batch.tokenTypeIds())), shape);
                    OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", attention,
                            "token_type_ids", types))) {
                java.nio.FloatBuffer hidden = ((OnnxTensor) result.get(0)).getFloatBuffer();
                for (int b = 0; b < rows; b++) {
                    meanPool(hidden, mask[b], b, length);
                }
            }
            for (long[] row : mask) {
                for (long value : row) {
                    real += value;
                }
            }
            padded += (long) rows * length;
            flops += counter.call(rows, length);
        }

        private static float[] meanPool(java.nio.FloatBuffer hidden, long[] mask, int row, int length) {
            float[] sum = new float[HIDDEN];
            int count = 0;
            for (int t = 0; t < length; t++) {
                if (mask[t] == 0) {
                    continue;
                }
                count++;
                int offset = (row * length + t) * HIDDEN;
                for (int h = 0; h < HIDDEN; h++) {
                    sum[h] += hidden.get(offset + h);
                }
            }
            double norm = 0;
            for (int h = 0; h < HIDDEN; h++) {
                sum[h] /= Math.max(count, 1);
                norm += sum[h] * sum[h];
            }
            float scale = (float) (1 / Math.max(Math.sqrt(norm), 1e-12));
            for (int h = 0; h < HIDDEN; h++) {
                sum[h] *= scale;
            }
            return sum;
        }

        PhaseResult result(String phase, double seconds, long documents) {
            return new PhaseResult(phase, seconds, documents, real, padded, flops, loadSeconds,
                    ProcessMemory.peakResidentBytes(), Double.NaN);
        }

        private static long[] flatten(long[][] rows) {
            int width = rows[0].length;
            long[] flat = new long[rows.length * width];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(rows[i], 0, flat, i * width, width);
            }
            return flat;
        }

        @Override
        public void close() throws OrtException {
            session.close();
            tokenizer.close();
        }
    }
}
