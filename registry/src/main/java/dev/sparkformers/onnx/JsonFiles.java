package dev.sparkformers.onnx;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.JsonGeneratorDelegate;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes JSON in the layout of Python's {@code json.dump(obj, f, indent=2)}, which is how
 * {@code transformers} and {@code sentence-transformers} write their config files: two-space
 * indent, one array element per line, {@code "key": value}, floats as Python's {@code repr}
 * spells them ({@code 1e-12}, {@code 0.1}), and a final newline. Keys keep the order of the node.
 */
final class JsonFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final DefaultPrettyPrinter PRINTER = new PythonLayout();

    /**
     * Two-space indent, {@code "key": value}, and {@code {}} and {@code []} when empty. Written with
     * the overrides that Jackson 2.15 (Spark 3.5's version) already has, rather than the
     * {@code Separators} options of Jackson 2.16 and later, so that it runs on both Spark lines.
     */
    private static final class PythonLayout extends DefaultPrettyPrinter {

        private static final long serialVersionUID = 1L;

        PythonLayout() {
            DefaultIndenter indenter = new DefaultIndenter("  ", "\n");
            indentObjectsWith(indenter);
            indentArraysWith(indenter);
        }

        private PythonLayout(PythonLayout base) {
            super(base);
        }

        @Override
        public DefaultPrettyPrinter createInstance() {
            return new PythonLayout(this);
        }

        @Override
        public void writeObjectFieldValueSeparator(JsonGenerator generator) throws IOException {
            generator.writeRaw(": ");
        }

        @Override
        public void writeEndObject(JsonGenerator generator, int entries) throws IOException {
            if (!_objectIndenter.isInline()) {
                --_nesting;
            }
            if (entries > 0) {
                _objectIndenter.writeIndentation(generator, _nesting);
            }
            generator.writeRaw('}');
        }

        @Override
        public void writeEndArray(JsonGenerator generator, int values) throws IOException {
            if (!_arrayIndenter.isInline()) {
                --_nesting;
            }
            if (values > 0) {
                _arrayIndenter.writeIndentation(generator, _nesting);
            }
            generator.writeRaw(']');
        }
    }

    /** Writes doubles with Python's spelling; Jackson's own would be {@code 1.0E-12}. */
    private static final class PythonFloats extends JsonGeneratorDelegate {

        PythonFloats(JsonGenerator delegate) {
            super(delegate, false);
        }

        @Override
        public void writeNumber(double value) throws IOException {
            delegate.writeNumber(pythonRepr(value));
        }
    }

    private JsonFiles() {}

    /** Returns {@code node} as text in the Python layout, with a final newline. */
    static String format(JsonNode node) throws IOException {
        StringWriter text = new StringWriter();
        try (JsonGenerator generator = new PythonFloats(JSON.getFactory().createGenerator(text))) {
            // The printer tracks nesting, so every document needs its own instance.
            generator.setPrettyPrinter(PRINTER.createInstance());
            JSON.writeTree(generator, node);
        }
        return text + "\n";
    }

    /** Writes {@code node} to {@code file} as UTF-8 in the Python layout. */
    static void write(Path file, JsonNode node) throws IOException {
        Files.writeString(file, format(node), StandardCharsets.UTF_8);
    }

    /**
     * Returns {@code value} as Python's {@code repr(float)} spells it: the shortest digits that
     * round-trip, in positional notation for decimal exponents from -4 to 15 ({@code 0.0001},
     * {@code 384.0}) and in exponent notation with at least two exponent digits otherwise
     * ({@code 1e-05}, {@code 1e-12}, {@code 1e+16}).
     */
    static String pythonRepr(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        if (value == 0) {
            return (1 / value < 0) ? "-0.0" : "0.0";
        }

        BigDecimal exact = new BigDecimal(value);
        BigDecimal shortest = exact;
        // The nearest decimal of the smallest precision that maps back to the same double; 17 digits always do.
        for (int digits = 1; digits <= 17; digits++) {
            BigDecimal rounded = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (rounded.doubleValue() == value) {
                shortest = rounded;
                break;
            }
        }
        shortest = shortest.stripTrailingZeros();
        String digits = shortest.unscaledValue().abs().toString();
        // The value is 0.<digits> x 10^pointPosition.
        int pointPosition = digits.length() - shortest.scale();
        String sign = value < 0 ? "-" : "";

        if (pointPosition > -4 && pointPosition <= 16) {
            if (pointPosition <= 0) {
                return sign + "0." + "0".repeat(-pointPosition) + digits;
            }
            if (pointPosition >= digits.length()) {
                return sign + digits + "0".repeat(pointPosition - digits.length()) + ".0";
            }
            return sign + digits.substring(0, pointPosition) + "." + digits.substring(pointPosition);
        }
        int exponent = pointPosition - 1;
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String exponentDigits = String.valueOf(Math.abs(exponent));
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+")
                + (exponentDigits.length() < 2 ? "0" : "") + exponentDigits;
    }
}
