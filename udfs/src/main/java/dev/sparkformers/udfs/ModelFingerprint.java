package dev.sparkformers.udfs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * SHA-256 over every file of a checkpoint directory (names and contents, in name order): two
 * directories have the same fingerprint exactly when they hold the same files.
 *
 * <p>Hashing reads every byte once (about 0.2 s for a 90 MB model); jobs record the fingerprint in
 * their output metadata and use it to tell when embeddings must be recomputed.
 */
public final class ModelFingerprint {

    private ModelFingerprint() {}

    /** Hex SHA-256 of the directory's regular files, hidden files (such as import markers) excluded. */
    public static String of(Path directory) throws IOException {
        MessageDigest digest = sha256();
        for (Path file : files(directory)) {
            digest.update(directory.relativize(file).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update((byte) 0);
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            digest.update((byte) 0);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Total size of the weight files ({@code *.safetensors}). */
    public static long weightBytes(Path directory) throws IOException {
        long total = 0;
        for (Path file : files(directory)) {
            if (file.getFileName().toString().endsWith(".safetensors")) {
                total += Files.size(file);
            }
        }
        return total;
    }

    /** Lists the regular files that the fingerprint covers, in name order, hidden files excluded. */
    static List<Path> files(Path directory) throws IOException {
        try (Stream<Path> walk = Files.walk(directory)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> !directory.relativize(p).toString().startsWith("."))
                    .sorted()
                    .toList();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
