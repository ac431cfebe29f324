package dev.sparkformers.pipelines;

import java.nio.charset.StandardCharsets;

/**
 * Seeds of per-row random draws derived from a run's seed and a row key, so that a row samples the
 * same output whichever partition, batch or order it is processed in.
 */
public final class Seeds {

    private Seeds() {}

    /**
     * Returns a seed for {@code key} under {@code seed}: the 64-bit FNV-1a hash of the key's UTF-8
     * bytes, added to the seed with the golden-ratio increment and mixed with SplitMix64's
     * finaliser, so that nearby seeds and keys give unrelated values.
     */
    public static long forKey(long seed, String key) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return mix(seed + 0x9e3779b97f4a7c15L * (hash | 1));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
