package dev.sparkformers.tokenization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EncodeOptionsTest {

    @Test
    void defaultsMatchTransformers() {
        EncodeOptions options = EncodeOptions.defaults();
        assertEquals(PaddingStrategy.DO_NOT_PAD, options.padding());
        assertTrue(options.truncation().isEmpty());
        assertTrue(options.maxLength().isEmpty());
        assertTrue(options.padToMultipleOf().isEmpty());
        assertTrue(options.addSpecialTokens());
        assertTrue(options.paddingSide().isEmpty());
        assertTrue(options.truncationSide().isEmpty());
    }

    @Test
    void booleanTruncationMapsToStrategies() {
        assertEquals(TruncationStrategy.LONGEST_FIRST,
                EncodeOptions.builder().truncation(true).build().truncation().orElseThrow());
        assertEquals(TruncationStrategy.DO_NOT_TRUNCATE,
                EncodeOptions.builder().truncation(false).build().truncation().orElseThrow());
    }

    @Test
    void invalidLengthsAreRejected() {
        IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
                () -> EncodeOptions.builder().maxLength(0));
        assertTrue(zero.getMessage().contains("maxLength must be positive, but is 0"), zero.getMessage());
        assertThrows(IllegalArgumentException.class, () -> EncodeOptions.builder().padToMultipleOf(-8));
    }

    @Test
    void toBuilderKeepsEverySetting() {
        EncodeOptions options = EncodeOptions.builder().padding(PaddingStrategy.MAX_LENGTH).truncation(true)
                .maxLength(128).padToMultipleOf(8).addSpecialTokens(false).paddingSide(Side.LEFT)
                .truncationSide(Side.LEFT).build();
        EncodeOptions copy = options.toBuilder().build();
        assertEquals(options.toString(), copy.toString());
        assertEquals(128, copy.maxLength().getAsInt());
        assertFalse(copy.addSpecialTokens());
    }

    @Test
    void sideParsesConfigValues() {
        assertEquals(Side.LEFT, Side.fromConfigValue("left"));
        assertEquals(Side.RIGHT, Side.fromConfigValue("RIGHT"));
        assertEquals("left", Side.LEFT.configValue());
        assertThrows(IllegalArgumentException.class, () -> Side.fromConfigValue("middle"));
        assertThrows(IllegalArgumentException.class, () -> Side.fromConfigValue(null));
    }
}
