package dev.sparkformers.tokenization;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import dev.sparkformers.runtime.DjlRuntime;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

class BatchEncodingTest {

    private static PreTrainedTokenizer tokenizer;

    @BeforeAll
    static void load() throws IOException {
        tokenizer = AutoTokenizer.fromPretrained(TokenizerFixtures.miniLm());
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    @Test
    void toNDListBuildsInt64Matrices() {
        BatchEncoding batch = tokenizer.batchEncode(List.of("Hello world!", "The quick brown fox jumps."),
                EncodeOptions.builder().padding(PaddingStrategy.LONGEST).paddingSide(Side.LEFT).build());
        try (NDManager manager = DjlRuntime.engine().newBaseManager()) {
            NDList inputs = batch.toNDList(manager);

            assertEquals(3, inputs.size());
            String[] names = {BatchEncoding.INPUT_IDS, BatchEncoding.ATTENTION_MASK, BatchEncoding.TOKEN_TYPE_IDS};
            long[][][] expected = {batch.inputIds(), batch.attentionMask(), batch.tokenTypeIds()};
            for (int index = 0; index < names.length; index++) {
                NDArray array = inputs.get(index);
                assertEquals(names[index], array.getName());
                assertEquals(DataType.INT64, array.getDataType());
                assertEquals(new Shape(2, batch.sequenceLength()), array.getShape());
                assertArrayEquals(flatten(expected[index]), array.toLongArray(), names[index]);
            }
        }
    }

    @Test
    void raggedBatchCannotBecomeTensor() {
        BatchEncoding batch = tokenizer.batchEncode(List.of("Hello", "Hello world again"), EncodeOptions.defaults());
        try (NDManager manager = DjlRuntime.engine().newBaseManager()) {
            IllegalStateException error = assertThrows(IllegalStateException.class, () -> batch.toNDList(manager));
            assertTrue(error.getMessage().contains("different lengths (3 to 5 tokens)"), error.getMessage());
        }
    }

    @Test
    void unknownInputNameIsRejected() {
        BatchEncoding batch = tokenizer.batchEncode(List.of("Hello"), EncodeOptions.defaults());
        try (NDManager manager = DjlRuntime.engine().newBaseManager()) {
            assertThrows(IllegalArgumentException.class, () -> batch.toNDArray(manager, "position_ids"));
        }
    }

    @Test
    void emptyBatch() {
        BatchEncoding batch = tokenizer.batchEncode(List.of(),
                EncodeOptions.builder().padding(PaddingStrategy.LONGEST).build());
        assertEquals(0, batch.size());
        assertEquals(0, batch.sequenceLength());
        assertEquals(0, batch.inputIds().length);
    }

    @Test
    void accessorsReturnFreshOuterArrays() {
        BatchEncoding batch = tokenizer.batchEncode(List.of("Hello"), EncodeOptions.defaults());
        long[][] ids = batch.inputIds();
        ids[0] = new long[0];
        assertEquals(3, batch.inputIds()[0].length);
    }

    private static long[] flatten(long[][] rows) {
        int columns = rows[0].length;
        long[] flat = new long[rows.length * columns];
        for (int row = 0; row < rows.length; row++) {
            System.arraycopy(rows[row], 0, flat, row * columns, columns);
        }
        return flat;
    }
}
