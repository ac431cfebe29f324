package dev.sparkformers.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sparkformers.safetensors.SafetensorsFile;
import dev.sparkformers.safetensors.TensorInfo;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Imports the all-MiniLM-L6-v2 ONNX export from the langchain4j jar and compares the checkpoint
 * with the expected one: small files byte for byte, tensors by the digests recorded in
 * {@code model.safetensors.sha256.tsv}, and, where the full expected checkpoint is available
 * locally, model.safetensors byte for byte.
 */
class MiniLmImportTest {

    /** Where a full copy of the expected checkpoint may be found; it is too large for the repository. */
    private static final Path FULL_EXPECTED_CHECKPOINT = Path.of(System.getProperty("sparkformers.minilm.expected",
            "/work/shared/fixtures/all-MiniLM-L6-v2"));

    private static final String TOKENIZER_SHA256 = "da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0";
    private static final String VOCAB_SHA256 = "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3";

    @TempDir
    static Path temporary;

    private static Path checkpoint;
    private static OnnxImportResult result;

    /** One digest row: dtype, shape and SHA-256 of the bytes. */
    private record Digest(String dtype, String shape, String sha256) {}

    @BeforeAll
    static void importModel() throws IOException {
        checkpoint = temporary.resolve("all-MiniLM-L6-v2");
        result = OnnxImporter.importModel(MiniLmFiles.onnx(), MiniLmFiles.tokenizer(), checkpoint);
    }

    @Test
    void resultDescribesMiniLm() {
        InferredBertConfig config = result.config();
        assertEquals(checkpoint, result.directory());
        assertEquals(101, result.tensorCount());
        assertEquals(22_565_376L, result.parameterCount());
        assertFalse(result.hasPooler());
        assertEquals(384, config.hiddenSize());
        assertEquals(6, config.numHiddenLayers());
        assertEquals(12, config.numAttentionHeads());
        assertEquals(1536, config.intermediateSize());
        assertEquals(30522, config.vocabSize());
        assertEquals(512, config.maxPositionEmbeddings());
        assertEquals(2, config.typeVocabSize());
        assertEquals(1e-12, config.layerNormEps());
        assertEquals("gelu", config.hiddenAct());
        assertEquals("float32", config.torchDtype());
    }

    @Test
    void configEqualsExpectedAsJson() throws IOException {
        ObjectMapper json = new ObjectMapper();
        assertEquals(json.readTree(MiniLmFiles.expected("config.json")),
                json.readTree(checkpoint.resolve("config.json").toFile()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"config.json", "tokenizer_config.json", "special_tokens_map.json", "modules.json",
            "sentence_bert_config.json", "1_Pooling/config.json"})
    void smallFileEqualsExpectedBytes(String name) throws IOException {
        String expected = new String(MiniLmFiles.expected(name), StandardCharsets.UTF_8);
        String actual = Files.readString(checkpoint.resolve(name));
        assertEquals(expected, actual);
    }

    @Test
    void tokenizerJsonIsByteCopy() throws IOException {
        byte[] copied = Files.readAllBytes(checkpoint.resolve("tokenizer.json"));
        assertArrayEquals(Files.readAllBytes(MiniLmFiles.tokenizer()), copied);
        assertEquals(TOKENIZER_SHA256, sha256(ByteBuffer.wrap(copied)));
    }

    @Test
    void vocabTxtMatchesExpectedDigest() throws IOException {
        byte[] vocab = Files.readAllBytes(checkpoint.resolve("vocab.txt"));
        List<String> lines = Files.readAllLines(checkpoint.resolve("vocab.txt"));
        assertEquals(30522, lines.size());
        assertEquals("[PAD]", lines.get(0));
        assertEquals("[CLS]", lines.get(101));
        assertEquals(VOCAB_SHA256, sha256(ByteBuffer.wrap(vocab)));
    }

    @Test
    void everyTensorMatchesDigestTable() throws IOException {
        Map<String, Digest> expected = digestTable();
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint.resolve("model.safetensors"))) {
            assertEquals(expected.keySet(), file.tensors().keySet());
            assertEquals(Map.of("format", "pt"), file.metadata());
            for (Map.Entry<String, Digest> entry : expected.entrySet()) {
                TensorInfo info = file.tensors().get(entry.getKey());
                String shape = Arrays.stream(info.shape()).mapToObj(Long::toString).collect(Collectors.joining(","));
                assertEquals(entry.getValue().dtype(), info.dtype().name(), entry.getKey() + " dtype");
                assertEquals(entry.getValue().shape(), shape, entry.getKey() + " shape");
                assertEquals(entry.getValue().sha256(), sha256(file.map(entry.getKey())), entry.getKey() + " bytes");
            }
        }
    }

    @Test
    void safetensorsFileMatchesRecordedDigest() throws IOException {
        String[] fileRow = digestLines().filter(line -> line.startsWith("FILE\t")).findFirst().orElseThrow()
                .split("\t");
        Path file = checkpoint.resolve("model.safetensors");
        assertEquals(Long.parseLong(fileRow[2]), Files.size(file));
        assertEquals(fileRow[3], sha256(ByteBuffer.wrap(Files.readAllBytes(file))));
    }

    @Test
    void safetensorsFileEqualsFullExpectedCheckpoint() throws IOException {
        Path expected = FULL_EXPECTED_CHECKPOINT.resolve("model.safetensors");
        if (!Files.isRegularFile(expected)) {
            System.out.println("SKIPPED safetensorsFileEqualsFullExpectedCheckpoint: " + expected + " is absent;"
                    + " the per-tensor digests were still compared");
        }
        assumeTrue(Files.isRegularFile(expected), expected + " is absent");

        assertEquals(-1L, Files.mismatch(expected, checkpoint.resolve("model.safetensors")),
                "first differing byte of model.safetensors");
        try (SafetensorsFile expectedFile = SafetensorsFile.open(expected);
                SafetensorsFile actualFile = SafetensorsFile.open(checkpoint.resolve("model.safetensors"))) {
            for (String name : expectedFile.tensors().keySet()) {
                assertEquals(expectedFile.read(name), actualFile.read(name), name);
            }
        }
    }

    @Test
    void positionIdsBufferIsDropped() throws IOException {
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint.resolve("model.safetensors"))) {
            assertFalse(file.tensors().containsKey("embeddings.position_ids"));
            assertTrue(file.tensors().containsKey("encoder.layer.5.output.dense.weight"));
        }
    }

    @Test
    void noStagingDirectoryRemains() throws IOException {
        try (Stream<Path> entries = Files.list(temporary)) {
            assertEquals(List.of(checkpoint), entries.toList());
        }
    }

    private static Map<String, Digest> digestTable() throws IOException {
        Map<String, Digest> table = new LinkedHashMap<>();
        digestLines().filter(line -> !line.startsWith("FILE\t")).forEach(line -> {
            String[] columns = line.split("\t");
            table.put(columns[0], new Digest(columns[1], columns[2], columns[3]));
        });
        assertEquals(101, table.size());
        return table;
    }

    private static Stream<String> digestLines() throws IOException {
        String text = new String(MiniLmFiles.expected("model.safetensors.sha256.tsv"), StandardCharsets.UTF_8);
        assertNotNull(text);
        return text.lines().filter(line -> !line.isBlank() && !line.startsWith("#"));
    }

    private static String sha256(ByteBuffer bytes) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(bytes.duplicate());
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
