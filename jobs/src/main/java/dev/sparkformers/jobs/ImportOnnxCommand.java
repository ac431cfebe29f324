package dev.sparkformers.jobs;

import dev.sparkformers.onnx.OnnxImportOptions;
import dev.sparkformers.onnx.OnnxImportResult;
import dev.sparkformers.onnx.OnnxImporter;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code sparkformers import-onnx}: turns a PyTorch-exported ONNX encoder into a HuggingFace checkpoint. */
@Command(
        name = "import-onnx",
        mixinStandardHelpOptions = true,
        description = "Converts a PyTorch-exported ONNX graph of a BERT-style encoder into a HuggingFace checkpoint"
                + " directory: config.json inferred from the graph, model.safetensors with HuggingFace key names,"
                + " tokenizer files and sentence-transformers files.")
final class ImportOnnxCommand implements Callable<Integer> {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL.onnx", description = "The ONNX file.")
    private Path onnx;

    @Option(names = "--tokenizer", required = true, paramLabel = "FILE", description = "The model's tokenizer.json.")
    private Path tokenizer;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Checkpoint directory to create.")
    private Path out;

    @Option(names = "--max-seq-length", paramLabel = "N",
            description = "max_seq_length for sentence_bert_config.json. Default: 256, or the position table if smaller.")
    private Integer maxSeqLength;

    @Override
    public Integer call() throws Exception {
        // Checked here so that the message names the option, because the importer reports only the bare path.
        requireFile(onnx, "ONNX file", "pass the path of the exported MODEL.onnx");
        requireFile(tokenizer, "--tokenizer file", "pass the model's tokenizer.json");

        OnnxImportOptions options = maxSeqLength == null ? OnnxImportOptions.DEFAULTS
                : OnnxImportOptions.DEFAULTS.withMaxSeqLength(maxSeqLength);
        OnnxImportResult result = OnnxImporter.importModel(onnx, tokenizer, out, options);
        spec.commandLine().getOut().println("Imported " + onnx + " into " + out + ": " + result);
        return 0;
    }

    private static void requireFile(Path file, String role, String fix) {
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(role + " " + file + " does not exist; " + fix);
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(role + " " + file + " is not a regular file; " + fix);
        }
    }
}
