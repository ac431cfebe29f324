package dev.sparkformers.testing;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkformers.safetensors.Dtype;
import dev.sparkformers.safetensors.SafetensorsFile;
import dev.sparkformers.safetensors.TensorData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Access to the golden outputs of HuggingFace transformers copied into test resources under
 * {@code hf-golden/} (see its README.md): checkpoint directories and their reference tensors.
 */
public final class Golden implements AutoCloseable {

    private final String fixture;
    private final SafetensorsFile reference;
    private final JsonNode json;

    private Golden(String fixture) throws IOException {
        this.fixture = fixture;
        this.reference = SafetensorsFile.open(directory(fixture + "-reference").resolve("reference.safetensors"));
        this.json = new ObjectMapper().readTree(directory(fixture + "-reference").resolve("reference.json").toFile());
    }

    /** Opens the reference of {@code fixture}, for example {@code tiny-bert}. */
    public static Golden open(String fixture) throws IOException {
        return new Golden(fixture);
    }

    /** The directory of a golden fixture inside test resources. */
    public static Path directory(String name) {
        URL url = Golden.class.getClassLoader().getResource("hf-golden/" + name);
        if (url == null) {
            throw new IllegalStateException("Test resource hf-golden/" + name + " is missing");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The checkpoint directory of this fixture. */
    public Path checkpoint() {
        return directory(fixture);
    }

    /** reference.json. */
    public JsonNode json() {
        return json;
    }

    /** Whether the reference holds a tensor of that name. */
    public boolean has(String name) {
        return reference.tensors().containsKey(name);
    }

    /** Reads a reference tensor. */
    public TensorData tensor(String name) {
        try {
            return reference.read(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates a reference tensor as an array: int64 for I64, float32 for F32. */
    public NDArray array(NDManager manager, String name) {
        TensorData data = tensor(name);
        Shape shape = new Shape(data.shape());
        if (data.dtype() == Dtype.I64) {
            return manager.create(data.toLongArray(), shape);
        }
        return manager.create(data.toFloatArray(), shape);
    }

    /**
     * The largest absolute difference between {@code actual} and a reference tensor.
     *
     * @throws AssertionError if the shapes differ
     */
    public double maxAbsDiff(NDArray actual, String name) {
        TensorData expected = tensor(name);
        long[] expectedShape = expected.shape();
        long[] actualShape = actual.getShape().getShape();
        if (expected.elementCount() == 1 && actual.size() == 1) {
            return Math.abs(actual.toFloatArray()[0] - expected.toFloatArray()[0]);
        }
        if (!Arrays.equals(expectedShape, actualShape)) {
            throw new AssertionError(name + ": shape " + Arrays.toString(actualShape) + ", expected "
                    + Arrays.toString(expectedShape));
        }
        return maxAbsDiff(actual.toFloatArray(), expected.toFloatArray());
    }

    public static double maxAbsDiff(float[] actual, float[] expected) {
        if (actual.length != expected.length) {
            throw new AssertionError("length " + actual.length + ", expected " + expected.length);
        }
        double max = 0;
        for (int i = 0; i < actual.length; i++) {
            max = Math.max(max, Math.abs((double) actual[i] - expected[i]));
        }
        return max;
    }

    @Override
    public void close() throws IOException {
        reference.close();
    }
}
