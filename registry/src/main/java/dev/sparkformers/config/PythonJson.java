package dev.sparkformers.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON the way Python's {@code json.dumps(obj, indent=2, sort_keys=True)} does, so that
 * files Sparkformers saves (config.json, generation_config.json) are byte-identical to the ones
 * HuggingFace saves for the same values.
 *
 * <p>That means: two-space indentation, {@code ": "} between key and value, {@code {}} and
 * {@code []} for empty containers, non-ASCII characters escaped as {@code \\uXXXX}, and floats in
 * Python's {@code repr} form ({@code 1e-12}, {@code 0.1}, {@code 1e-05}, {@code 2.0}).
 */
public final class PythonJson {

    private static final String INDENT = "  ";

    private PythonJson() {}

    /** Formats {@code node} with keys sorted, ending without a newline. */
    public static String dumps(JsonNode node) {
        StringBuilder out = new StringBuilder();
        write(node, 0, out);
        return out.toString();
    }

    private static void write(JsonNode node, int depth, StringBuilder out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isObject()) {
            writeObject(node, depth, out);
        } else if (node.isArray()) {
            writeArray(node, depth, out);
        } else if (node.isTextual()) {
            writeString(node.textValue(), out);
        } else if (node.isBoolean()) {
            out.append(node.booleanValue());
        } else if (node.isIntegralNumber()) {
            out.append(node.bigIntegerValue());
        } else if (node.isNumber()) {
            out.append(repr(node.doubleValue()));
        } else {
            throw new IllegalArgumentException("Cannot write a JSON node of type " + node.getNodeType());
        }
    }

    private static void writeObject(JsonNode node, int depth, StringBuilder out) {
        if (node.isEmpty()) {
            out.append("{}");
            return;
        }
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> iterator = node.fields();
        iterator.forEachRemaining(fields::add);
        fields.sort(Map.Entry.comparingByKey());

        out.append("{\n");
        for (int i = 0; i < fields.size(); i++) {
            indent(depth + 1, out);
            writeString(fields.get(i).getKey(), out);
            out.append(": ");
            write(fields.get(i).getValue(), depth + 1, out);
            out.append(i + 1 < fields.size() ? ",\n" : "\n");
        }
        indent(depth, out);
        out.append('}');
    }

    private static void writeArray(JsonNode node, int depth, StringBuilder out) {
        if (node.isEmpty()) {
            out.append("[]");
            return;
        }
        out.append("[\n");
        for (int i = 0; i < node.size(); i++) {
            indent(depth + 1, out);
            write(node.get(i), depth + 1, out);
            out.append(i + 1 < node.size() ? ",\n" : "\n");
        }
        indent(depth, out);
        out.append(']');
    }

    private static void indent(int depth, StringBuilder out) {
        out.append(INDENT.repeat(depth));
    }

    /** Writes a string literal with Python's {@code ensure_ascii=True} escaping. */
    static void writeString(String value, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        out.append(c);
                    } else {
                        out.append(String.format("\\u%04x", (int) c));
                    }
                }
            }
        }
        out.append('"');
    }

    /**
     * Formats a double as Python's {@code repr} does: the shortest decimal that reads back as the
     * same double, in positional form when the decimal exponent is in [-4, 16), otherwise in
     * exponent form with at least two exponent digits.
     */
    public static String repr(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        if (value == 0) {
            return (1 / value < 0) ? "-0.0" : "0.0";
        }

        BigDecimal shortest = shortestDecimal(value);
        String digits = shortest.unscaledValue().abs().toString();
        // Strip trailing zeros of the digit string; the exponent absorbs them.
        int significant = digits.length();
        while (significant > 1 && digits.charAt(significant - 1) == '0') {
            significant--;
        }
        digits = digits.substring(0, significant);
        // value = 0.d1d2...dn * 10^decimalPoint
        int decimalPoint = shortest.precision() - shortest.scale();
        String sign = value < 0 ? "-" : "";

        if (decimalPoint > -4 && decimalPoint <= 16) {
            return sign + positional(digits, decimalPoint);
        }
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        int exponent = decimalPoint - 1;
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format("%02d", Math.abs(exponent));
    }

    private static String positional(String digits, int decimalPoint) {
        if (decimalPoint <= 0) {
            return "0." + "0".repeat(-decimalPoint) + digits;
        }
        if (decimalPoint >= digits.length()) {
            return digits + "0".repeat(decimalPoint - digits.length()) + ".0";
        }
        return digits.substring(0, decimalPoint) + "." + digits.substring(decimalPoint);
    }

    private static BigDecimal shortestDecimal(double value) {
        BigDecimal exact = new BigDecimal(value);
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal rounded = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            if (rounded.doubleValue() == value) {
                return rounded;
            }
        }
        return exact.round(new MathContext(17, RoundingMode.HALF_EVEN));
    }
}
