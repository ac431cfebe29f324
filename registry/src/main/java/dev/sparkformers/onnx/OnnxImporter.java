package dev.sparkformers.onnx;

import dev.sparkformers.safetensors.Checkpoints;
import dev.sparkformers.safetensors.SafetensorsWriter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Imports a PyTorch ONNX export of a HuggingFace BERT encoder ({@code BertModel}) as a HuggingFace
 * checkpoint directory that {@code transformers} and {@code sentence-transformers} load.
 *
 * <p>The directory gets:
 * <ul>
 *   <li>{@code model.safetensors}: every weight under its HF key, bit-identical to the ONNX
 *       initializers; linear weights are transposed back to {@code [out, in]}. Exports of
 *       {@code last_hidden_state} have no pooler, so the checkpoint has none either.
 *   <li>{@code config.json}: sizes, head count, activation and LayerNorm epsilon read from the
 *       graph (see {@link BertGraphAnalyzer}), {@code pad_token_id} from the tokenizer.
 *   <li>{@code tokenizer.json} (copied), {@code vocab.txt}, {@code tokenizer_config.json} and
 *       {@code special_tokens_map.json}, derived from tokenizer.json.
 *   <li>{@code modules.json}, {@code 1_Pooling/config.json} and {@code sentence_bert_config.json}:
 *       mean pooling, optionally followed by normalization.
 * </ul>
 *
 * <p>Files are written into a temporary directory beside the destination, which is renamed into
 * place at the end, so a failed or interrupted import never leaves a directory that looks complete.
 *
 * <p>The command line {@code import-onnx MODEL.onnx --tokenizer tokenizer.json --out DIR
 * [--max-seq-length N]} maps to {@link #importModel(Path, Path, Path, OnnxImportOptions)} with
 * {@code OnnxImportOptions.DEFAULTS}, or {@code OnnxImportOptions.DEFAULTS.withMaxSeqLength(N)} when
 * the option is given.
 */
public final class OnnxImporter {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxImporter.class);

    private OnnxImporter() {}

    /** Imports with {@link OnnxImportOptions#DEFAULTS}. */
    public static OnnxImportResult importModel(Path onnxFile, Path tokenizerJson, Path outputDirectory)
            throws IOException {
        return importModel(onnxFile, tokenizerJson, outputDirectory, OnnxImportOptions.DEFAULTS);
    }

    /**
     * Imports {@code onnxFile} and {@code tokenizerJson} into {@code outputDirectory}.
     *
     * @param onnxFile the ONNX export, with all tensors embedded (no external data files)
     * @param tokenizerJson the model's HuggingFace tokenizer.json, with a WordPiece model
     * @param outputDirectory the checkpoint directory to create; it must not exist or be empty
     * @throws InvalidOnnxException if the ONNX file is malformed or not a BERT encoder export
     * @throws InvalidTokenizerException if tokenizer.json is malformed, not WordPiece, or does not
     *     fit the model's vocabulary
     * @throws FileAlreadyExistsException if {@code outputDirectory} exists and is not an empty directory
     * @throws IllegalArgumentException if {@code options.maxSeqLength()} exceeds the model's
     *     {@code max_position_embeddings}
     */
    public static OnnxImportResult importModel(Path onnxFile, Path tokenizerJson, Path outputDirectory,
            OnnxImportOptions options) throws IOException {
        Path destination = outputDirectory.toAbsolutePath().normalize();
        requireFreeDestination(destination);
        LOG.info("Importing ONNX model {} with tokenizer {} into {}", onnxFile.getFileName(),
                tokenizerJson.getFileName(), destination);
        long start = System.nanoTime();

        OnnxModel model = OnnxReader.read(onnxFile);
        BertGraphAnalysis analysis = BertGraphAnalyzer.analyze(model);
        InferredBertConfig config = analysis.config();
        BertTokenizerSettings tokenizer = BertTokenizerSettings.read(tokenizerJson);
        checkTokenizerFits(tokenizerJson, tokenizer, config);
        int maxSeqLength = options.resolveMaxSeqLength(config.maxPositionEmbeddings());

        Path parent = destination.getParent();
        Files.createDirectories(parent);
        // Not Files.createTempDirectory, which would make the checkpoint private to its owner (mode 0700).
        Path staging = Files.createDirectory(parent.resolve("." + destination.getFileName() + ".partial-"
                + UUID.randomUUID()));
        try {
            SafetensorsWriter.write(staging.resolve(Checkpoints.SAFETENSORS_FILE), analysis.weights());
            JsonFiles.write(staging.resolve("config.json"), BertConfigJson.build(config, tokenizer.padTokenId()));
            BertTokenizerFiles.write(staging, tokenizerJson, tokenizer, config.maxPositionEmbeddings());
            SentenceTransformersFiles.write(staging, config.hiddenSize(), maxSeqLength,
                    options.normalizeEmbeddings());
            moveIntoPlace(staging, destination);
        } finally {
            deleteRecursively(staging);
        }

        OnnxImportResult result = new OnnxImportResult(destination, config, analysis.weights().size(),
                analysis.parameterCount(), analysis.hasPooler());
        LOG.info("Imported {} in {} ms: {} tensors, {} parameters, {} layers, hidden size {}, {} heads",
                onnxFile.getFileName(), (System.nanoTime() - start) / 1_000_000, result.tensorCount(),
                result.parameterCount(), config.numHiddenLayers(), config.hiddenSize(), config.numAttentionHeads());
        return result;
    }

    private static void requireFreeDestination(Path destination) throws IOException {
        if (!Files.exists(destination)) {
            return;
        }
        if (!Files.isDirectory(destination)) {
            throw new FileAlreadyExistsException(destination.toString(), null,
                    "exists and is not a directory; choose another output directory");
        }
        try (Stream<Path> entries = Files.list(destination)) {
            if (entries.findAny().isPresent()) {
                throw new FileAlreadyExistsException(destination.toString(), null,
                        "exists and is not empty; choose another output directory or delete this one");
            }
        }
    }

    /** Checks that every token id the tokenizer can produce indexes a row of the word embeddings. */
    private static void checkTokenizerFits(Path tokenizerJson, BertTokenizerSettings tokenizer,
            InferredBertConfig config) throws InvalidTokenizerException {
        if (tokenizer.vocab().size() > config.vocabSize()) {
            throw new InvalidTokenizerException(tokenizerJson, "has " + tokenizer.vocab().size() + " vocabulary"
                    + " tokens, but the model's word embeddings have " + config.vocabSize() + " rows; the tokenizer"
                    + " belongs to another model");
        }
        if (tokenizer.padTokenId() >= config.vocabSize()) {
            throw new InvalidTokenizerException(tokenizerJson, "has pad token id " + tokenizer.padTokenId()
                    + ", outside the model's " + config.vocabSize() + " word embeddings");
        }
    }

    /** Renames the finished staging directory to the destination, replacing an empty one. */
    private static void moveIntoPlace(Path staging, Path destination) throws IOException {
        // The destination was checked to be absent or empty; an empty one is removed so that the rename can land.
        Files.deleteIfExists(destination);
        Files.move(staging, destination, StandardCopyOption.ATOMIC_MOVE);
    }

    static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
