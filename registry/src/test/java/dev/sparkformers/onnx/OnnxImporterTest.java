package dev.sparkformers.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sparkformers.safetensors.Dtype;
import dev.sparkformers.safetensors.SafetensorsFile;
import dev.sparkformers.safetensors.TensorData;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Imports generated exports of BERT encoders of several shapes, and broken ones. */
class OnnxImporterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path directory;

    @ParameterizedTest(name = "hidden {0}, {1} layers, {2} heads, intermediate {3}, {4}, eps {5}")
    @CsvSource({
        "8, 1, 1, 16, GELU, 1e-12, gelu, 1e-12",
        "12, 2, 3, 20, GELU_TANH, 1e-5, gelu_new, 1e-5",
        "16, 3, 4, 64, RELU, 1e-6, relu, 1e-6",
        "24, 2, 6, 24, GELU, 1e-7, gelu, 1e-7",
    })
    void importsExportOfAnyShape(int hidden, int layers, int heads, int intermediate,
            TinyBertExport.Activation activation, float epsilon, String hiddenAct, double expectedEpsilon)
            throws IOException {
        TinyBertExport export = new TinyBertExport();
        export.hiddenSize = hidden;
        export.layers = layers;
        export.heads = heads;
        export.intermediateSize = intermediate;
        export.activation = activation;
        export.epsilon = epsilon;
        export.vocabSize = 50;
        export.maxPositions = 32;
        export.typeVocabSize = 3;

        OnnxImportResult result = importExport(export, 50, directory.resolve("checkpoint"));

        JsonNode config = JSON.readTree(directory.resolve("checkpoint/config.json").toFile());
        assertEquals(hidden, config.get("hidden_size").intValue());
        assertEquals(layers, config.get("num_hidden_layers").intValue());
        assertEquals(heads, config.get("num_attention_heads").intValue());
        assertEquals(intermediate, config.get("intermediate_size").intValue());
        assertEquals(hiddenAct, config.get("hidden_act").textValue());
        assertEquals(expectedEpsilon, config.get("layer_norm_eps").doubleValue());
        assertEquals(50, config.get("vocab_size").intValue());
        assertEquals(32, config.get("max_position_embeddings").intValue());
        assertEquals(3, config.get("type_vocab_size").intValue());
        assertEquals(0, config.get("pad_token_id").intValue());
        assertEquals(5 + 16 * layers, result.tensorCount());
        assertWeightsBitIdentical(export, directory.resolve("checkpoint/model.safetensors"));
    }

    @Test
    void constantReshapeShapeGivesHeads() throws IOException {
        TinyBertExport export = new TinyBertExport();
        export.hiddenSize = 12;
        export.heads = 4;
        export.constantReshapeShape = true;

        OnnxImportResult result = importExport(export, 40, directory.resolve("checkpoint"));

        assertEquals(4, result.config().numAttentionHeads());
    }

    @Test
    void maxSeqLengthOptionIsWritten() throws IOException {
        TinyBertExport export = new TinyBertExport();
        Path onnx = export.write(directory.resolve("model.onnx"));
        Path tokenizer = TinyBertExport.writeTokenizer(directory.resolve("tokenizer.json"), 40, true);

        OnnxImporter.importModel(onnx, tokenizer, directory.resolve("checkpoint"),
                OnnxImportOptions.DEFAULTS.withMaxSeqLength(12).withNormalizeEmbeddings(false));

        JsonNode sentenceConfig = JSON.readTree(directory.resolve("checkpoint/sentence_bert_config.json").toFile());
        JsonNode modules = JSON.readTree(directory.resolve("checkpoint/modules.json").toFile());
        JsonNode pooling = JSON.readTree(directory.resolve("checkpoint/1_Pooling/config.json").toFile());
        assertEquals(12, sentenceConfig.get("max_seq_length").intValue());
        assertEquals(2, modules.size());
        assertEquals(8, pooling.get("word_embedding_dimension").intValue());
        assertTrue(pooling.get("pooling_mode_mean_tokens").booleanValue());
    }

    @Test
    void maxSeqLengthAbovePositionsIsRejected() throws IOException {
        TinyBertExport export = new TinyBertExport();
        Path onnx = export.write(directory.resolve("model.onnx"));
        Path tokenizer = TinyBertExport.writeTokenizer(directory.resolve("tokenizer.json"), 40, true);

        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> OnnxImporter.importModel(
                onnx, tokenizer, directory.resolve("checkpoint"), OnnxImportOptions.DEFAULTS.withMaxSeqLength(17)));

        assertTrue(error.getMessage().contains("max_position_embeddings 16"), error.getMessage());
        assertFalse(Files.exists(directory.resolve("checkpoint")));
    }

    @Test
    void tokenizerSettingsFollowTokenizerJson() throws IOException {
        TinyBertExport export = new TinyBertExport();
        Path onnx = export.write(directory.resolve("model.onnx"));
        Path tokenizer = TinyBertExport.writeTokenizer(directory.resolve("tokenizer.json"), 40, false);

        OnnxImporter.importModel(onnx, tokenizer, directory.resolve("checkpoint"));

        JsonNode config = JSON.readTree(directory.resolve("checkpoint/tokenizer_config.json").toFile());
        List<String> vocab = Files.readAllLines(directory.resolve("checkpoint/vocab.txt"));
        assertFalse(config.get("do_lower_case").booleanValue());
        assertEquals(16, config.get("model_max_length").intValue());
        assertEquals("[MASK]", config.get("mask_token").textValue());
        assertEquals(40, vocab.size());
        assertEquals("w39", vocab.get(39));
    }

    @Test
    void nonEmptyOutputDirectoryIsRejected() throws IOException {
        Path checkpoint = Files.createDirectories(directory.resolve("checkpoint"));
        Files.writeString(checkpoint.resolve("keep.txt"), "user data");

        FileAlreadyExistsException error = assertThrows(FileAlreadyExistsException.class,
                () -> importExport(new TinyBertExport(), 40, checkpoint));

        assertTrue(error.getMessage().contains("not empty"), error.getMessage());
        assertEquals("user data", Files.readString(checkpoint.resolve("keep.txt")));
    }

    @Test
    void emptyOutputDirectoryIsReplaced() throws IOException {
        Path checkpoint = Files.createDirectories(directory.resolve("checkpoint"));

        importExport(new TinyBertExport(), 40, checkpoint);

        assertTrue(Files.isRegularFile(checkpoint.resolve("model.safetensors")));
    }

    @Test
    void failedImportLeavesNothing() throws IOException {
        TinyBertExport export = new TinyBertExport();
        Path onnx = export.write(directory.resolve("model.onnx"));
        // A vocabulary larger than the embedding matrix is detected only after the graph has been analyzed.
        Path tokenizer = TinyBertExport.writeTokenizer(directory.resolve("tokenizer.json"), 41, true);

        InvalidTokenizerException error = assertThrows(InvalidTokenizerException.class,
                () -> OnnxImporter.importModel(onnx, tokenizer, directory.resolve("checkpoint")));

        assertTrue(error.getMessage().contains("41 vocabulary tokens"), error.getMessage());
        try (Stream<Path> entries = Files.list(directory)) {
            assertEquals(List.of("model.onnx", "tokenizer.json"),
                    entries.map(path -> path.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void graphWithoutMatMulWeightsIsRejected() throws IOException {
        TinyBertExport export = new TinyBertExport();
        export.matMulWeightsAsInitializers = false;

        InvalidOnnxException error = assertThrows(InvalidOnnxException.class,
                () -> importExport(export, 40, directory.resolve("checkpoint")));

        assertTrue(error.getMessage().contains("lacks 12 of the 37 weights"), error.getMessage());
        assertTrue(error.getMessage().contains("encoder.layer.0.attention.self.query.weight"), error.getMessage());
        assertTrue(error.getMessage().contains("MatMul"), error.getMessage());
    }

    @Test
    void matMulWithoutScopeIsRejected() throws IOException {
        TinyBertExport export = new TinyBertExport();
        export.unscopedMatMul = "encoder.layer.1.intermediate.dense";

        InvalidOnnxException error = assertThrows(InvalidOnnxException.class,
                () -> importExport(export, 40, directory.resolve("checkpoint")));

        assertTrue(error.getMessage().contains("MatMul node 'MatMul_"), error.getMessage());
        assertTrue(error.getMessage().contains("no module scope"), error.getMessage());
    }

    @Test
    void weightDisagreeingWithBiasIsRejected() throws IOException {
        TinyBertExport export = new TinyBertExport();
        export.biasSizes.put("encoder.layer.0.attention.self.key.bias", 9);

        InvalidOnnxException error = assertThrows(InvalidOnnxException.class,
                () -> importExport(export, 40, directory.resolve("checkpoint")));

        assertTrue(error.getMessage().contains("encoder.layer.0.attention.self.key.bias' has shape [9]"),
                error.getMessage());
        assertTrue(error.getMessage().contains("should have shape [8]"), error.getMessage());
    }

    @Test
    void wrongAttentionScaleIsRejected() throws IOException {
        TinyBertExport export = new TinyBertExport();
        export.scaleDivisor = 8f;

        InvalidOnnxException error = assertThrows(InvalidOnnxException.class,
                () -> importExport(export, 40, directory.resolve("checkpoint")));

        assertTrue(error.getMessage().contains("head_dim 4"), error.getMessage());
        assertTrue(error.getMessage().contains("scales attention scores by 0.125"), error.getMessage());
    }

    @Test
    void unknownActivationIsRejected() throws IOException {
        TinyBertExport export = new TinyBertExport();
        export.activation = TinyBertExport.Activation.SIGMOID;

        InvalidOnnxException error = assertThrows(InvalidOnnxException.class,
                () -> importExport(export, 40, directory.resolve("checkpoint")));

        assertTrue(error.getMessage().contains("[Mul, Sigmoid]"), error.getMessage());
        assertTrue(error.getMessage().contains("no supported activation"), error.getMessage());
    }

    @Test
    void graphThatIsNotBertIsRejected() throws IOException {
        byte[] graph = OnnxProtoWriter.graph(
                List.of(OnnxProtoWriter.node("/Add", "Add", List.of("input_ids", "bias"), List.of("out"))),
                List.of(OnnxProtoWriter.floatTensor("bias", new long[] {1}, new float[] {1})),
                List.of(OnnxProtoWriter.valueInfo("input_ids", OnnxProtoWriter.INT64, "batch", "sequence")),
                List.of(OnnxProtoWriter.valueInfo("out", OnnxProtoWriter.FLOAT, "batch", "sequence")));
        Path onnx = Files.write(directory.resolve("model.onnx"), OnnxProtoWriter.model(graph));
        Path tokenizer = TinyBertExport.writeTokenizer(directory.resolve("tokenizer.json"), 40, true);

        InvalidOnnxException error = assertThrows(InvalidOnnxException.class,
                () -> OnnxImporter.importModel(onnx, tokenizer, directory.resolve("checkpoint")));

        assertTrue(error.getMessage().startsWith(onnx.toString()), error.getMessage());
        assertTrue(error.getMessage().contains("no initializer named embeddings.word_embeddings.weight"),
                error.getMessage());
    }

    @Test
    void tokenizerThatIsNotWordPieceIsRejected() throws IOException {
        Path onnx = new TinyBertExport().write(directory.resolve("model.onnx"));
        Path tokenizer = TinyBertExport.writeTokenizer(directory.resolve("tokenizer.json"), 40, true);
        ObjectNode json = (ObjectNode) JSON.readTree(tokenizer.toFile());
        ((ObjectNode) json.get("model")).put("type", "BPE");
        JSON.writeValue(tokenizer.toFile(), json);

        InvalidTokenizerException error = assertThrows(InvalidTokenizerException.class,
                () -> OnnxImporter.importModel(onnx, tokenizer, directory.resolve("checkpoint")));

        assertTrue(error.getMessage().contains("model type 'BPE'"), error.getMessage());
    }

    @Test
    void tokenizerWithoutPadTokenIsRejected() throws IOException {
        Path onnx = new TinyBertExport().write(directory.resolve("model.onnx"));
        Path tokenizer = TinyBertExport.writeTokenizer(directory.resolve("tokenizer.json"), 40, true);
        ObjectNode json = (ObjectNode) JSON.readTree(tokenizer.toFile());
        json.withArray("added_tokens").remove(0);
        JSON.writeValue(tokenizer.toFile(), json);

        InvalidTokenizerException error = assertThrows(InvalidTokenizerException.class,
                () -> OnnxImporter.importModel(onnx, tokenizer, directory.resolve("checkpoint")));

        assertTrue(error.getMessage().contains("no pad token"), error.getMessage());
    }

    private OnnxImportResult importExport(TinyBertExport export, int tokenizerVocab, Path checkpoint)
            throws IOException {
        Path onnx = export.write(directory.resolve("model.onnx"));
        Path tokenizer = TinyBertExport.writeTokenizer(directory.resolve("tokenizer.json"), tokenizerVocab, true);
        return OnnxImporter.importModel(onnx, tokenizer, checkpoint);
    }

    /** Checks every tensor against the generator's state dict, comparing bits, not float values. */
    private static void assertWeightsBitIdentical(TinyBertExport export, Path file) throws IOException {
        try (SafetensorsFile safetensors = SafetensorsFile.open(file)) {
            assertEquals(export.stateDict.keySet(), safetensors.tensors().keySet());
            for (Map.Entry<String, float[]> entry : export.stateDict.entrySet()) {
                TensorData tensor = safetensors.read(entry.getKey());
                assertEquals(Dtype.F32, tensor.dtype(), entry.getKey());
                int[] expected = new int[entry.getValue().length];
                for (int i = 0; i < expected.length; i++) {
                    expected[i] = Float.floatToRawIntBits(entry.getValue()[i]);
                }
                int[] actual = new int[expected.length];
                ByteBuffer data = tensor.data().duplicate().order(ByteOrder.LITTLE_ENDIAN);
                data.asIntBuffer().get(actual);
                assertArrayEquals(expected, actual, entry.getKey());
            }
        }
    }
}
