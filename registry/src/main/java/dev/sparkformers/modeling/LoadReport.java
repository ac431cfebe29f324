package dev.sparkformers.modeling;

import java.util.List;

/**
 * What loading a checkpoint into a model found, with HuggingFace's lists and key spelling:
 * missing and unexpected keys are named as in the checkpoint file (so with the base-model prefix
 * when the file has it), sorted.
 *
 * @param source the checkpoint directory or file the weights came from
 * @param missingKeys model keys the checkpoint lacks; they were initialised randomly
 * @param unexpectedKeys checkpoint keys the model has no place for; they were ignored
 * @param mismatchedKeys keys whose shapes differ; they were initialised randomly
 * @param tiedKeys groups of model keys that share one array (for example an MLM decoder and the word embeddings)
 */
public record LoadReport(String source, List<String> missingKeys, List<String> unexpectedKeys,
        List<MismatchedKey> mismatchedKeys, List<List<String>> tiedKeys) {

    public LoadReport {
        missingKeys = List.copyOf(missingKeys);
        unexpectedKeys = List.copyOf(unexpectedKeys);
        mismatchedKeys = List.copyOf(mismatchedKeys);
        tiedKeys = tiedKeys.stream().map(List::copyOf).toList();
    }

    /** A report for a model built from a config alone, with every weight initialised. */
    static LoadReport initialised(List<String> keys, List<List<String>> tied) {
        return new LoadReport("(initialised from config)", keys, List.of(), List.of(), tied);
    }

    /** Whether every model weight came from the checkpoint and every checkpoint tensor was used. */
    public boolean isComplete() {
        return missingKeys.isEmpty() && unexpectedKeys.isEmpty() && mismatchedKeys.isEmpty();
    }

    /**
     * A key whose shape in the checkpoint differs from the model's.
     *
     * @param key the key as named in the checkpoint
     * @param checkpointShape shape in the checkpoint
     * @param modelShape shape the model expects
     */
    public record MismatchedKey(String key, List<Long> checkpointShape, List<Long> modelShape) {}

    @Override
    public String toString() {
        return "LoadReport{source=" + source + ", missing=" + missingKeys + ", unexpected=" + unexpectedKeys
                + ", mismatched=" + mismatchedKeys + ", tied=" + tiedKeys + "}";
    }
}
