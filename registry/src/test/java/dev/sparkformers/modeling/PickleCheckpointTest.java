package dev.sparkformers.modeling;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sparkformers.models.bert.BertModel;
import dev.sparkformers.testing.Golden;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** PyTorch pickle checkpoints are refused without being read, so a hostile pickle cannot run code. */
class PickleCheckpointTest {

    @TempDir
    Path dir;

    @Test
    void picklePayloadIsNeverExecuted() throws IOException {
        Path marker = dir.resolve("pwned");
        // Protocol-0 pickle of os.system("touch <marker>"): GLOBAL 'os system', a tuple with the command, REDUCE.
        String pickle = "cos\nsystem\n(S'touch " + marker + "'\ntR.";
        Files.copy(Golden.directory("tiny-bert").resolve("config.json"), dir.resolve("config.json"));
        Files.write(dir.resolve("pytorch_model.bin"), pickle.getBytes(StandardCharsets.US_ASCII));

        IOException e = assertThrows(IOException.class, () -> BertModel.fromPretrained(dir));
        assertTrue(e.getMessage().contains("pytorch_model.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("save_pretrained(dir, safe_serialization=True)"), e.getMessage());
        assertFalse(Files.exists(marker), "the pickle ran");
    }
}
