package dev.sparkformers.modeling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

import dev.sparkformers.models.bert.BertConfig;
import dev.sparkformers.models.bert.BertModel;
import dev.sparkformers.nn.Parameter;
import dev.sparkformers.safetensors.Dtype;
import dev.sparkformers.safetensors.SafetensorsFile;
import dev.sparkformers.safetensors.SafetensorsWriter;
import dev.sparkformers.safetensors.TensorData;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * F16, BF16 and I32 tensors in a checkpoint, loaded into a BERT model through
 * {@link BertModel#fromPretrained}: half-precision weights must reach DJL as float32 arrays with
 * the exact values of their bit patterns (expected values are computed here from the IEEE 754
 * fields, not with the library's conversions), and BF16 must never become a DJL BF16 array, which
 * aborts DJL 0.36.
 */
class SafetensorsDtypeLoadingTest {

    private static final String WORD_EMBEDDINGS = "embeddings.word_embeddings.weight";
    private static final String POSITION_EMBEDDINGS = "embeddings.position_embeddings.weight";
    private static final String POSITION_IDS = "embeddings.position_ids";

    /** F16 bit patterns at the start of the word embeddings: subnormals, the largest finite value, -0 and -inf. */
    private static final short[] F16_SPECIALS = {0x0001, 0x03ff, 0x7bff, (short) 0x8000, (short) 0xfc00};

    /** BF16 bit patterns at the start of the position embeddings: a subnormal, +inf, the lowest finite value. */
    private static final short[] BF16_SPECIALS = {0x0001, 0x7f80, (short) 0xff7f};

    @TempDir
    Path dir;

    @Test
    void halfPrecisionWeightsArriveAsExactFloat32() throws IOException {
        BertConfig config = tinyConfig();
        Map<String, float[]> expected = new LinkedHashMap<>();
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        Random random = new Random(5);
        try (BertModel shapes = new BertModel(config)) {
            for (Map.Entry<String, Parameter> entry : shapes.namedParameters().entrySet()) {
                String name = entry.getKey();
                long[] shape = entry.getValue().shape().getShape();
                int count = Math.toIntExact(entry.getValue().shape().size());
                short[] bits = new short[count];
                float[] values = new float[count];
                if (name.equals(WORD_EMBEDDINGS)) {
                    for (int i = 0; i < count; i++) {
                        bits[i] = i < F16_SPECIALS.length ? F16_SPECIALS[i] : randomNormalHalf(random);
                        values[i] = (float) halfValue(bits[i]);
                    }
                    tensors.put(name, new TensorData(Dtype.F16, shape, shorts(bits)));
                } else if (name.equals(POSITION_EMBEDDINGS)) {
                    for (int i = 0; i < count; i++) {
                        bits[i] = i < BF16_SPECIALS.length ? BF16_SPECIALS[i] : (short) random.nextInt(0x10000);
                        if ((bits[i] & 0x7f80) == 0x7f80 && i >= BF16_SPECIALS.length) {
                            // An all-ones exponent is infinity or NaN; clearing its top bit keeps the value finite.
                            bits[i] = (short) (bits[i] & 0xbfff);
                        }
                        values[i] = (float) bfloat16Value(bits[i]);
                    }
                    tensors.put(name, new TensorData(Dtype.BF16, shape, shorts(bits)));
                } else {
                    for (int i = 0; i < count; i++) {
                        values[i] = (float) (random.nextGaussian() * 0.5);
                    }
                    tensors.put(name, TensorData.ofFloats(values, shape));
                }
                expected.put(name, values);
            }
        }
        // Checkpoints saved by older transformers versions contain BERT's position_ids buffer, which the
        // model must accept without loading it. Here it is stored as I32.
        int[] positions = new int[16];
        for (int i = 0; i < positions.length; i++) {
            positions[i] = i;
        }
        tensors.put(POSITION_IDS, new TensorData(Dtype.I32, new long[] {1, 16}, ints(positions)));
        Path checkpoint = writeCheckpoint(config, tensors);

        try (SafetensorsFile file = SafetensorsFile.open(checkpoint.resolve("model.safetensors"))) {
            assertEquals(Dtype.F16, file.tensors().get(WORD_EMBEDDINGS).dtype());
            assertEquals(Dtype.BF16, file.tensors().get(POSITION_EMBEDDINGS).dtype());
            assertEquals(Dtype.I32, file.tensors().get(POSITION_IDS).dtype());
            assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
                    file.read(POSITION_IDS).toLongArray());
        }

        try (BertModel model = BertModel.fromPretrained(checkpoint)) {
            LoadReport report = model.loadReport();
            assertTrue(report.missingKeys().isEmpty(), "missing: " + report.missingKeys());
            assertTrue(report.unexpectedKeys().isEmpty(), "the I32 buffer is expected: " + report.unexpectedKeys());
            for (Map.Entry<String, Parameter> entry : model.namedParameters().entrySet()) {
                NDArray array = entry.getValue().array();
                assertEquals(DataType.FLOAT32, array.getDataType(), entry.getKey());
                assertArrayEquals(expected.get(entry.getKey()), array.toFloatArray(), 0f, entry.getKey());
            }
        }
    }

    @Test
    void integerWeightFailsWithItsDtype() throws IOException {
        BertConfig config = tinyConfig();
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        try (BertModel shapes = new BertModel(config)) {
            for (Map.Entry<String, Parameter> entry : shapes.namedParameters().entrySet()) {
                long[] shape = entry.getValue().shape().getShape();
                int count = Math.toIntExact(entry.getValue().shape().size());
                tensors.put(entry.getKey(), entry.getKey().equals(WORD_EMBEDDINGS)
                        ? new TensorData(Dtype.I32, shape, ints(new int[count]))
                        : TensorData.ofFloats(new float[count], shape));
            }
        }
        Path checkpoint = writeCheckpoint(config, tensors);

        IOException e = assertThrows(IOException.class, () -> BertModel.fromPretrained(checkpoint).close());
        assertTrue(e.getMessage().contains(WORD_EMBEDDINGS), e.getMessage());
        assertTrue(e.getMessage().contains("I32"), e.getMessage());
        assertTrue(e.getMessage().contains("floating-point"), e.getMessage());
    }

    private static BertConfig tinyConfig() {
        return new BertConfig().setVocabSize(40).setHiddenSize(8).setNumAttentionHeads(2).setNumHiddenLayers(1)
                .setIntermediateSize(16).setMaxPositionEmbeddings(16);
    }

    private Path writeCheckpoint(BertConfig config, Map<String, TensorData> tensors) throws IOException {
        Path checkpoint = dir.resolve("checkpoint");
        config.savePretrained(checkpoint);
        SafetensorsWriter.write(checkpoint.resolve("model.safetensors"), tensors);
        return checkpoint;
    }

    /** Returns a random F16 bit pattern with a biased exponent of 1 to 30, so normal and finite. */
    private static short randomNormalHalf(Random random) {
        int sign = random.nextBoolean() ? 0x8000 : 0;
        int exponent = 1 + random.nextInt(30);
        return (short) (sign | exponent << 10 | random.nextInt(0x400));
    }

    /** Decodes an IEEE 754 binary16 bit pattern: 1 sign, 5 exponent (bias 15) and 10 fraction bits. */
    private static double halfValue(short bits) {
        return ieeeValue(bits & 0xffff, 5, 10);
    }

    /** Decodes a bfloat16 bit pattern: 1 sign, 8 exponent (bias 127) and 7 fraction bits. */
    private static double bfloat16Value(short bits) {
        return ieeeValue(bits & 0xffff, 8, 7);
    }

    private static double ieeeValue(int bits, int exponentBits, int fractionBits) {
        int bias = (1 << (exponentBits - 1)) - 1;
        double sign = (bits >> (exponentBits + fractionBits) & 1) == 1 ? -1 : 1;
        int exponent = bits >> fractionBits & ((1 << exponentBits) - 1);
        int fraction = bits & ((1 << fractionBits) - 1);
        if (exponent == (1 << exponentBits) - 1) {
            return fraction == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
        }
        if (exponent == 0) {
            return sign * Math.scalb((double) fraction, 1 - bias - fractionBits);
        }
        return sign * Math.scalb(1 + Math.scalb((double) fraction, -fractionBits), exponent - bias);
    }

    private static ByteBuffer shorts(short[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Short.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asShortBuffer().put(values);
        return buffer;
    }

    private static ByteBuffer ints(int[] values) {
        ByteBuffer buffer = ByteBuffer.allocate(values.length * Integer.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asIntBuffer().put(values);
        return buffer;
    }
}
