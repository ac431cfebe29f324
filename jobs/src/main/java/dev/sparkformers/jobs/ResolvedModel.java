package dev.sparkformers.jobs;

import dev.sparkformers.auto.AutoConfig;
import dev.sparkformers.config.PretrainedConfig;
import dev.sparkformers.pipelines.SentenceTransformerConfig;
import dev.sparkformers.safetensors.Checkpoints;
import dev.sparkformers.safetensors.TensorSource;
import dev.sparkformers.tokenization.AutoTokenizer;
import dev.sparkformers.tokenization.PreTrainedTokenizer;
import dev.sparkformers.udfs.ModelFingerprint;
import dev.sparkformers.udfs.ModelLocations;

import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A model checked on the driver before any executor work: its config parses and names a
 * registered family, its tokenizer loads, its weights' headers are valid, and its files have a
 * fingerprint.
 *
 * @param location the location as the user gave it
 * @param directory a local copy the driver read
 * @param config the parsed config
 * @param sentenceTransformers the sentence-transformers settings (defaults for plain checkpoints)
 * @param fingerprint SHA-256 of the checkpoint's files
 * @param weightBytes size of the weight files
 */
public record ResolvedModel(String location, Path directory, PretrainedConfig config,
        SentenceTransformerConfig sentenceTransformers, String fingerprint, long weightBytes) {

    private static final Logger LOG = LoggerFactory.getLogger(ResolvedModel.class);

    /**
     * Resolves and checks {@code location}.
     *
     * @throws IOException naming the location and what is wrong with it
     */
    public static ResolvedModel resolve(String location, Configuration conf) throws IOException {
        long start = System.nanoTime();
        Path directory = ModelLocations.localize(location, conf);
        PretrainedConfig config;
        try {
            config = AutoConfig.fromPretrained(directory);
            try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(directory);
                    TensorSource weights = Checkpoints.open(directory)) {
                LOG.debug("Model {} has {} tensors and a {} tokenizer", location, weights.tensors().size(),
                        tokenizer.modelType());
            }
        } catch (IOException e) {
            throw new IOException("Model " + location + " is not usable: " + e.getMessage(), e);
        }
        SentenceTransformerConfig settings = SentenceTransformerConfig.read(directory);
        String fingerprint = ModelFingerprint.of(directory);
        long weightBytes = ModelFingerprint.weightBytes(directory);
        LOG.info("Resolved model {} ({}, {} bytes of weights, sha256 {}) in {} ms", location, config.modelType(),
                weightBytes, fingerprint, (System.nanoTime() - start) / 1_000_000);
        return new ResolvedModel(location, directory, config, settings, fingerprint, weightBytes);
    }

    /** Width of the model's hidden states. */
    public int hiddenSize() {
        var size = config.get("hidden_size");
        if (!size.isInt()) {
            throw new IllegalStateException("Model " + location + " has no integer hidden_size in its config");
        }
        return size.asInt();
    }
}
