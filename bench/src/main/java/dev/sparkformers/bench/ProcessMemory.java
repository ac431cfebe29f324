package dev.sparkformers.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The process's resident set size, now and at its peak,, from Linux's {@code /proc/self/status} ({@code VmHWM}). */
final class ProcessMemory {

    private ProcessMemory() {}

    /** Peak resident bytes, or -1 where {@code /proc} is not available. */
    static long peakResidentBytes() {
        return statusBytes("VmHWM:");
    }

    /** Resident bytes now, or -1 where {@code /proc} is not available. */
    static long residentBytes() {
        return statusBytes("VmRSS:");
    }

    private static long statusBytes(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
