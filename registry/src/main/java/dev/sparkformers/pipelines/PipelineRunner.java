package dev.sparkformers.pipelines;

import dev.sparkformers.runtime.NativeMemory;
import dev.sparkformers.tokenization.Encoding;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Runs a {@link Pipeline} over a list of inputs with one result per input, in input order.
 *
 * <p>Each input is encoded on its own; a row that cannot be encoded (null, or text the tokenizer
 * rejects) gets an error and the others go on. Encoded rows are sorted by length and cut into
 * batches by a {@link TokenBudgetBatcher}. When a batch fails, it is split in half and each half
 * retried, so one bad row fails alone and a batch too large for memory runs in smaller pieces. A
 * single row that runs out of memory fails the whole call, because no smaller batch exists and the
 * caller (a Spark task) should retry or fail visibly rather than record a spurious error.
 *
 * @param <I> input type
 * @param <R> raw result type
 * @param <O> output type
 */
public final class PipelineRunner<I, R, O> {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineRunner.class);

    private final Pipeline<I, R, O> pipeline;
    private final TokenBudgetBatcher batcher;
    private final BatchListener listener;

    public PipelineRunner(Pipeline<I, R, O> pipeline, TokenBudgetBatcher batcher) {
        this(pipeline, batcher, BatchListener.NONE);
    }

    /** @param listener told about every model call that succeeds, for throughput statistics */
    public PipelineRunner(Pipeline<I, R, O> pipeline, TokenBudgetBatcher batcher, BatchListener listener) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline is null");
        this.batcher = Objects.requireNonNull(batcher, "batcher is null");
        this.listener = Objects.requireNonNull(listener, "listener is null");
    }

    /** Receives the shape of each model call. */
    @FunctionalInterface
    public interface BatchListener {

        /** A listener that ignores every batch. */
        BatchListener NONE = (rows, longest, realTokens) -> { };

        /**
         * Called after a successful model call on {@code rows} inputs padded to {@code longest}
         * tokens, holding {@code realTokens} tokens before padding.
         */
        void onBatch(int rows, int longest, long realTokens);
    }

    /** Runs every stage over {@code inputs}. */
    public List<RowResult<O>> run(List<I> inputs, StageParameters parameters) {
        int count = inputs.size();
        Encoding[] encodings = new Encoding[count];
        String[] errors = new String[count];

        for (int row = 0; row < count; row++) {
            I input = inputs.get(row);
            if (input == null) {
                errors[row] = "input is null";
                continue;
            }
            try {
                encodings[row] = pipeline.preprocess(input, parameters.preprocess());
            } catch (RuntimeException e) {
                errors[row] = "preprocess failed: " + describe(e);
            }
        }

        List<Integer> encoded = new ArrayList<>();
        for (int row = 0; row < count; row++) {
            if (encodings[row] != null) {
                encoded.add(row);
            }
        }
        int[] lengths = encoded.stream().mapToInt(row -> encodings[row].length()).toArray();
        List<R> raw = new ArrayList<>(java.util.Collections.nCopies(count, null));
        for (int[] batch : batcher.batches(lengths)) {
            int[] rows = Arrays.stream(batch).map(encoded::get).toArray();
            forwardSplitting(rows, inputs, encodings, raw, errors, parameters);
        }

        List<RowResult<O>> results = new ArrayList<>(count);
        for (int row = 0; row < count; row++) {
            Encoding encoding = encodings[row];
            int tokens = encoding == null ? 0 : encoding.lengthBeforeTruncation();
            int modelTokens = encoding == null ? 0 : encoding.length();
            boolean truncated = encoding != null && encoding.truncated();
            if (errors[row] != null) {
                results.add(RowResult.failure(errors[row], tokens, modelTokens, truncated));
                continue;
            }
            try {
                results.add(RowResult.success(
                        pipeline.postprocess(raw.get(row), inputs.get(row), encoding, parameters.postprocess()),
                        tokens, modelTokens, truncated));
            } catch (RuntimeException e) {
                results.add(RowResult.failure("postprocess failed: " + describe(e), tokens, modelTokens, truncated));
            }
        }
        return results;
    }

    private void forwardSplitting(int[] rows, List<I> inputs, Encoding[] encodings, List<R> raw, String[] errors,
            StageParameters parameters) {
        List<Encoding> batch = new ArrayList<>(rows.length);
        List<I> batchInputs = new ArrayList<>(rows.length);
        for (int row : rows) {
            batch.add(encodings[row]);
            batchInputs.add(inputs.get(row));
        }
        try {
            List<R> results = pipeline.forward(batch, batchInputs, parameters.forward());
            if (results.size() != rows.length) {
                throw new IllegalStateException(pipeline.getClass().getSimpleName() + ".forward returned "
                        + results.size() + " results for " + rows.length + " inputs");
            }
            for (int i = 0; i < rows.length; i++) {
                raw.set(rows[i], results.get(i));
            }
            listener.onBatch(rows.length, batch.stream().mapToInt(Encoding::length).max().orElse(0),
                    batch.stream().mapToLong(Encoding::length).sum());
            if (NativeMemory.releaseAfterEachBatch()) {
                NativeMemory.release();
            }
        } catch (RuntimeException | OutOfMemoryError e) {
            if (rows.length == 1) {
                if (isOutOfMemory(e)) {
                    throw new PipelineException("A single input of " + encodings[rows[0]].length()
                            + " tokens does not fit in memory: " + describe(e), e);
                }
                errors[rows[0]] = "forward failed: " + describe(e);
                return;
            }
            LOG.warn("A batch of {} inputs (longest {} tokens) failed ({}); retrying it in two halves",
                    rows.length, batch.stream().mapToInt(Encoding::length).max().orElse(0), describe(e));
            int half = rows.length / 2;
            forwardSplitting(Arrays.copyOfRange(rows, 0, half), inputs, encodings, raw, errors, parameters);
            forwardSplitting(Arrays.copyOfRange(rows, half, rows.length), inputs, encodings, raw, errors, parameters);
        }
    }

    /** Whether {@code error}, or a cause of it, reports exhausted memory in Java or in the native engine. */
    static boolean isOutOfMemory(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (message.contains("out of memory") || message.contains("can't allocate memory")
                    || message.contains("cannot allocate memory")) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
