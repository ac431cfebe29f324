package dev.sparkformers.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** deploy/gpu-discovery.sh against stand-ins for nvidia-smi. */
class GpuDiscoveryScriptTest {

    @Test
    void listsEveryGpuIndex() throws Exception {
        Result result = run("gpus-two", "printf '0\\n1\\n'", Map.of());
        assertEquals(0, result.exit(), result.output());
        assertEquals("{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\"]}", result.output().trim());
    }

    @Test
    void visibleDevicesAreRenumberedFromZero() throws Exception {
        Result result = run("gpus-visible", "printf '0\\n1\\n2\\n3\\n'", Map.of("CUDA_VISIBLE_DEVICES", "2,3"));
        assertEquals(0, result.exit(), result.output());
        assertEquals("{\"name\": \"gpu\", \"addresses\": [\"0\", \"1\"]}", result.output().trim());
    }

    @Test
    void failingNvidiaSmiFailsTheScript() throws Exception {
        Result result = run("gpus-failing", "echo 'NVIDIA-SMI has failed' >&2; exit 9", Map.of());
        assertEquals(1, result.exit());
        assertTrue(result.output().contains("nvidia-smi failed"), result.output());
    }

    @Test
    void missingNvidiaSmiFailsTheScript() throws Exception {
        Path empty = E2eEnvironment.workDir("gpus-missing");
        // Only the empty directory is on the PATH: the script needs nothing but bash builtins and nvidia-smi.
        Result result = execute(empty, Map.of("PATH", empty.toString()));
        assertEquals(1, result.exit());
        assertTrue(result.output().contains("nvidia-smi not found"), result.output());
    }

    private record Result(int exit, String output) {}

    private static Result run(String name, String nvidiaSmiBody, Map<String, String> environment) throws Exception {
        Path bin = E2eEnvironment.workDir(name);
        Path nvidiaSmi = bin.resolve("nvidia-smi");
        Files.writeString(nvidiaSmi, "#!/usr/bin/env bash\n" + nvidiaSmiBody + "\n");
        Files.setPosixFilePermissions(nvidiaSmi, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> all = new java.util.HashMap<>(environment);
        all.put("PATH", bin + File.pathSeparator + System.getenv("PATH"));
        return execute(bin, all);
    }

    private static Result execute(Path dir, Map<String, String> environment) throws Exception {
        Path script = E2eEnvironment.repoRoot().resolve("deploy").resolve("gpu-discovery.sh");
        List<String> command = List.of(E2eEnvironment.bash(), script.toString());
        try (ChildProcess process = ChildProcess.start("gpu-discovery.sh", command, environment,
                dir.resolve("output.log"))) {
            int exit = process.waitFor(Duration.ofSeconds(30));
            return new Result(exit, process.output());
        }
    }
}
