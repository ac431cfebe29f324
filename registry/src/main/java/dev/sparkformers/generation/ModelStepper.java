package dev.sparkformers.generation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.sparkformers.modeling.CausalLMOutputWithPast;
import dev.sparkformers.modeling.KeyValue;
import dev.sparkformers.modeling.ModelInputs;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Runs the model once per decoding step and keeps its key/value cache between steps.
 *
 * <p>Each step's arrays live in a sub-manager of the caller's manager. The step closes the model
 * outputs it does not keep as soon as it has read the last position's logits, and closes the
 * previous step's manager, with the cache it held, once the new cache exists. So at most two
 * caches and one step's inputs are alive at a time, and nothing is left when the stepper closes.
 */
final class ModelStepper implements AutoCloseable {

    /**
     * Next-token logits of one step.
     *
     * @param logits raw logits {@code [rows][vocab]}
     * @param logProbabilities their log-softmax, computed by the engine; null unless requested
     */
    record StepLogits(float[][] logits, float[][] logProbabilities) {}

    private final CausalLanguageModel model;
    private final NDManager parent;
    private final boolean useCache;
    private NDManager cacheManager;
    private List<KeyValue> cache;

    ModelStepper(CausalLanguageModel model, NDManager parent, boolean useCache) {
        this.model = model;
        this.parent = parent;
        this.useCache = useCache;
    }

    /**
     * Runs the model on the sequences so far and returns the logits at their last position.
     *
     * @param sequences {@code [rows][length]}
     * @param attentionMask {@code [rows][length]}
     */
    StepLogits step(long[][] sequences, long[][] attentionMask, boolean withLogProbabilities) {
        NDManager stepManager = parent.newSubManager();
        try {
            Shape shape = new Shape(sequences.length, sequences[0].length);
            NDArray ids = stepManager.create(flatten(sequences), shape);
            NDArray mask = stepManager.create(flatten(attentionMask), shape);
            ModelInputs inputs = model.prepareInputsForGeneration(ids, mask, cache, useCache);
            CausalLMOutputWithPast output = model.forward(inputs);

            // Float32 even for a float16 model, so that the log-softmax and the Java processors run in float32.
            NDArray last = output.logits().get(new NDIndex(":, -1, :")).toType(DataType.FLOAT32, false); // (rows, vocab)
            float[][] logits = rows(last.toFloatArray(), sequences.length);
            float[][] logProbabilities = withLogProbabilities
                    ? rows(last.logSoftmax(-1).toFloatArray(), sequences.length) : null;

            List<KeyValue> newCache = useCache ? output.pastKeyValues() : null;
            closeAllBut(output.arrays(), newCache);
            replaceCache(stepManager, newCache);
            return new StepLogits(logits, logProbabilities);
        } catch (RuntimeException e) {
            stepManager.close();
            throw e;
        }
    }

    /**
     * Reorders the cache to the rows that beam search kept.
     *
     * @param rows for each new row, the old row it continues
     */
    void reorder(int[] rows) {
        if (cache == null) {
            return;
        }
        NDArray indices = cacheManager.create(java.util.Arrays.stream(rows).asLongStream().toArray());
        List<KeyValue> reordered = model.reorderCache(cache, indices);
        for (KeyValue layer : cache) {
            layer.key().close();
            layer.value().close();
        }
        indices.close();
        cache = reordered;
    }

    private void replaceCache(NDManager stepManager, List<KeyValue> newCache) {
        if (cacheManager != null) {
            cacheManager.close();
        }
        cacheManager = stepManager;
        cache = newCache;
    }

    private static void closeAllBut(Iterable<NDArray> arrays, List<KeyValue> kept) {
        Set<NDArray> keep = Collections.newSetFromMap(new IdentityHashMap<>());
        if (kept != null) {
            kept.forEach(layer -> layer.forEach(keep::add));
        }
        for (NDArray array : arrays) {
            if (!keep.contains(array)) {
                array.close();
            }
        }
    }

    private static long[] flatten(long[][] rows) {
        int width = rows[0].length;
        long[] flat = new long[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * width, width);
        }
        return flat;
    }

    private static float[][] rows(float[] flat, int count) {
        int width = flat.length / count;
        float[][] rows = new float[count][];
        for (int i = 0; i < count; i++) {
            rows[i] = java.util.Arrays.copyOfRange(flat, i * width, (i + 1) * width);
        }
        return rows;
    }

    @Override
    public void close() {
        if (cacheManager != null) {
            cacheManager.close();
            cacheManager = null;
            cache = null;
        }
    }
}
