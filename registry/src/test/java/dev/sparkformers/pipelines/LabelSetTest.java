package dev.sparkformers.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;

/** Labels files of the embedding classifier, in YAML and JSON. */
class LabelSetTest {

    @Test
    void yamlWithAllForms() {
        LabelSet labels = LabelSet.parse("""
                threshold: 0.25
                unknown_label: other
                labels:
                  animal:
                    - a dog
                    - a cat
                  plant: a living organism that grows in the ground
                  food:
                    description: things people eat
                    examples: [bread, " soup "]
                """, "test.yaml", false);
        assertEquals(List.of("animal", "plant", "food"), labels.names());
        assertEquals(List.of("a dog", "a cat"), labels.labels().get("animal"));
        assertEquals(List.of("things people eat", "bread", "soup"), labels.labels().get("food"));
        assertEquals(0.25, labels.threshold());
        assertEquals("other", labels.unknownLabel());
    }

    @Test
    void jsonWithDefaults() {
        LabelSet labels = LabelSet.parse("{\"labels\": {\"a\": [\"x\"], \"b\": \"y\"}}", "test.json", true);
        assertNull(labels.threshold());
        assertEquals(LabelSet.DEFAULT_UNKNOWN_LABEL, labels.unknownLabel());
        assertEquals(List.of("y"), labels.labels().get("b"));
    }

    @Test
    void invalidFilesNameTheProblem() {
        assertMessage("labels: {a: []}", "Label 'a' has no text");
        assertMessage("labels: {a: [1]}", "not a string");
        assertMessage("labels: {a: x}\nthreshold: 2", "between -1 and 1");
        assertMessage("labels: {a: x}\nthresold: 0.1", "unknown key 'thresold'");
        assertMessage("labels: {unknown: x}", "also a label");
        assertMessage("a: [x]", "'labels' object");
        assertMessage("labels: {a: {examples: [x], notes: y}}", "unknown key 'notes'");
    }

    private static void assertMessage(String yaml, String expected) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> LabelSet.parse(yaml, "bad.yaml", false));
        assertTrue(error.getMessage().contains(expected), error.getMessage());
        assertTrue(error.getMessage().contains("bad.yaml"), error.getMessage());
    }
}
