/**
 * Reading ONNX files and importing PyTorch ONNX exports of HuggingFace BERT encoders as
 * HuggingFace checkpoint directories.
 *
 * <p>{@link dev.sparkformers.onnx.OnnxReader} reads a model file with protobuf-java's wire-format
 * reader and bounds everything the file controls. {@link dev.sparkformers.onnx.OnnxImporter}
 * recovers a {@code BertModel} state dict and config from the graph and writes config.json,
 * model.safetensors, the tokenizer files and the sentence-transformers files. It is the method
 * behind the {@code import-onnx} command.
 */
package dev.sparkformers.onnx;
