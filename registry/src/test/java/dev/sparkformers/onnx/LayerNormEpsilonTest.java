package dev.sparkformers.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LayerNormEpsilonTest {

    @ParameterizedTest(name = "float32 {0} is written as {1}")
    @CsvSource({
        "9.99999996e-13, 1e-12",
        "1e-5, 1e-5",
        "1e-6, 1e-6",
        "1e-7, 1e-7",
        "0.1, 0.1",
        "0.33333334, 0.33333334",
        "1.17549435e-38, 1.1754944e-38",
        "0, 0",
    })
    void shortestDecimalRoundTrips(float stored, double written) {
        double decimal = LayerNormEpsilon.shortestFloat32Decimal(stored);

        assertEquals(written, decimal);
        assertEquals(stored, (float) decimal);
    }
}
