package dev.sparkformers.hub;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 digests of streams, as lowercase hex. */
final class Sha256 {

    private Sha256() {}

    /** Reads {@code input} to the end and returns its digest; does not close it. */
    static String of(InputStream input) throws IOException {
        DigestInputStream digesting = new DigestInputStream(input, newDigest());
        digesting.transferTo(OutputStream.nullOutputStream());
        return HexFormat.of().formatHex(digesting.getMessageDigest().digest());
    }

    /** Copies {@code input} to the new file {@code target} and returns the digest of the bytes copied. */
    static String copy(InputStream input, Path target) throws IOException {
        DigestInputStream digesting = new DigestInputStream(input, newDigest());
        try (OutputStream output = Files.newOutputStream(target)) {
            digesting.transferTo(output);
        }
        return HexFormat.of().formatHex(digesting.getMessageDigest().digest());
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime provides SHA-256", e);
        }
    }
}
