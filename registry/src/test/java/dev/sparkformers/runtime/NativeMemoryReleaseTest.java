package dev.sparkformers.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

/** The switch and the call that hand freed native memory back to the operating system. */
class NativeMemoryReleaseTest {

    @Test
    void settingParsesCommonSpellings() {
        assertFalse(NativeMemory.parse(null));
        assertFalse(NativeMemory.parse(" "));
        assertTrue(NativeMemory.parse("true"));
        assertTrue(NativeMemory.parse("ON"));
        assertFalse(NativeMemory.parse("0"));
    }

    @Test
    void badSettingNamesVariableAndValue() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> NativeMemory.parse("sometimes"));

        assertTrue(error.getMessage().contains(NativeMemory.ENVIRONMENT_VARIABLE), error.getMessage());
        assertTrue(error.getMessage().contains("'sometimes'"), error.getMessage());
    }

    @Test
    void releaseRunsOnGlibc() {
        boolean glibc = Files.exists(Path.of("/lib/x86_64-linux-gnu/libc.so.6"))
                || Files.exists(Path.of("/lib/aarch64-linux-gnu/libc.so.6"))
                || Files.exists(Path.of("/lib64/libc.so.6"));
        assumeTrue(glibc, "glibc not found; malloc_trim is glibc's, so there is nothing to check");

        assertTrue(NativeMemory.supported());
        NativeMemory.release();
    }
}
