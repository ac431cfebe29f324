package dev.sparkformers.onnx;

import java.nio.file.Path;

/**
 * The outcome of an ONNX import.
 *
 * @param directory the checkpoint directory that was written
 * @param config the config fields read from the graph
 * @param tensorCount number of tensors in model.safetensors
 * @param parameterCount number of weight elements in model.safetensors
 * @param hasPooler whether the checkpoint includes {@code pooler.dense.*}
 */
public record OnnxImportResult(Path directory, InferredBertConfig config, int tensorCount, long parameterCount,
        boolean hasPooler) {}
