package dev.sparkformers.modeling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.util.List;

class WeightMappingTest {

    private static final WeightMapping MAPPING = WeightMapping.builder()
            .map("h.{layer}.w").to("blocks.{layer}.w")
            .map("h.{layer}.qkv").split(0).to("q.{layer}", "k.{layer}", "v.{layer}")
            .map("h.{layer}.{part}").to("rest.{part}.{layer}")
            .ignoreSource("h.{layer}.mask")
            .tie("head", "embed")
            .build();

    @Test
    void placeholderMatchesNumbersOnly() {
        assertEquals(List.of("blocks.12.w"), MAPPING.match("h.12.w").orElseThrow().targets());
        assertTrue(MAPPING.match("h.x.w").isEmpty());
        assertTrue(MAPPING.match("h.1.w.extra").isEmpty());
    }

    @Test
    void firstMatchingRuleWins() {
        assertEquals(List.of("blocks.3.w"), MAPPING.match("h.3.w").orElseThrow().targets());
        assertEquals(List.of("rest.7.3"), MAPPING.match("h.3.7").orElseThrow().targets());
    }

    @Test
    void splitRuleFillsEveryTarget() {
        WeightMapping.Match match = MAPPING.match("h.0.qkv").orElseThrow();
        assertEquals(List.of("q.0", "k.0", "v.0"), match.targets());
        assertEquals(0, match.rule().splitDimension());
        assertFalse(match.rule().transpose());
    }

    @Test
    void ignoredSourcesAreDeclared() {
        assertTrue(MAPPING.isIgnored("h.4.mask"));
        assertFalse(MAPPING.isIgnored("h.4.w"));
        assertEquals("embed", MAPPING.ties().get("head"));
    }

    @Test
    void targetWithUnknownPlaceholderIsRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeightMapping.builder().map("h.{layer}.w").to("blocks.{block}.w"));
        assertTrue(e.getMessage().contains("uses placeholders that source"), e.getMessage());
    }

    @Test
    void severalTargetsNeedASplit() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WeightMapping.builder().map("a").to("b", "c"));
        assertTrue(e.getMessage().contains("call split(dimension)"), e.getMessage());
    }
}
