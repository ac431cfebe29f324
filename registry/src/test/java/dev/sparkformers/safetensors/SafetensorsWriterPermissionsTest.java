package dev.sparkformers.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

class SafetensorsWriterPermissionsTest {

    @TempDir
    Path directory;

    @Test
    void writtenFileGetsDefaultPermissions() throws Exception {
        assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"),
                "POSIX permissions are not available on this file system");
        Path reference = Files.createFile(directory.resolve("reference"));
        Path file = directory.resolve("model.safetensors");

        SafetensorsWriter.write(file, Map.of("w", TensorData.ofFloats(new float[] {1, 2}, 2)));

        // A checkpoint gets the permissions of any other new file, so the umask decides who reads it.
        assertEquals(Files.getPosixFilePermissions(reference), Files.getPosixFilePermissions(file));
    }
}
