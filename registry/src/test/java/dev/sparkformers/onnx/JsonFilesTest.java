package dev.sparkformers.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonFilesTest {

    /** Expected spellings are the output of Python 3's repr(float(value)). */
    @ParameterizedTest(name = "{0} is written as {1}")
    @CsvSource({
        "1e-12, 1e-12",
        "0.1, 0.1",
        "0.02, 0.02",
        "1e-5, 1e-05",
        "0.0001, 0.0001",
        "1e16, 1e+16",
        "1e15, 1000000000000000.0",
        "384, 384.0",
        "-2.5e-7, -2.5e-07",
        "123456789.125, 123456789.125",
        "5e-324, 5e-324",
        "1.7976931348623157e308, 1.7976931348623157e+308",
        "2.0000000000000004, 2.0000000000000004",
        "-0.0, -0.0",
    })
    void doublesUsePythonRepr(double value, String expected) {
        assertEquals(expected, JsonFiles.pythonRepr(value));
    }

    @Test
    void layoutMatchesPythonIndent2() throws Exception {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.putArray("architectures").add("BertModel");
        node.put("layer_norm_eps", 1e-12);
        node.putNull("never_split");
        node.putArray("empty");
        node.putObject("nested").put("flag", true);

        String text = JsonFiles.format(node);

        assertEquals("{\n"
                + "  \"architectures\": [\n"
                + "    \"BertModel\"\n"
                + "  ],\n"
                + "  \"layer_norm_eps\": 1e-12,\n"
                + "  \"never_split\": null,\n"
                + "  \"empty\": [],\n"
                + "  \"nested\": {\n"
                + "    \"flag\": true\n"
                + "  }\n"
                + "}\n", text);
    }
}
