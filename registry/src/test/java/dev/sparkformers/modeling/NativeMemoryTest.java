package dev.sparkformers.modeling;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;

import dev.sparkformers.models.bert.BertForMaskedLM;
import dev.sparkformers.testing.Golden;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A forward pass keeps nothing but its outputs alive: after many calls the model's manager holds
 * exactly its weights, and each batch manager holds exactly its inputs and outputs.
 */
class NativeMemoryTest {

    @Test
    void forwardReleasesEveryIntermediateArray() throws IOException {
        try (BertForMaskedLM model = BertForMaskedLM.fromPretrained(Golden.directory("tiny-bert-mlm"));
                Golden golden = Golden.open("tiny-bert-mlm")) {
            int weights = model.manager().getManagedArrays().size();
            long rssBefore = 0;
            for (int i = 0; i < 1000; i++) {
                if (i == 100) {
                    rssBefore = residentSetKiB();
                }
                try (NDManager batch = NDManager.newBaseManager()) {
                    ModelInputs inputs = ModelInputs.builder(golden.array(batch, "right.input_ids"))
                            .attentionMask(golden.array(batch, "right.attention_mask"))
                            .outputHiddenStates(true).outputAttentions(true).build();
                    MaskedLMOutput output = model.forward(inputs);
                    // Inputs (2) and outputs: logits, 3 hidden states, 2 attention maps.
                    assertEquals(2 + 1 + 3 + 2, batch.getManagedArrays().size(), "arrays left after forward " + i);
                    output.close();
                }
            }
            assertEquals(weights, model.manager().getManagedArrays().size(), "the model's manager gained arrays");
            System.out.printf("RSS after 100 forwards: %d KiB, after 1000: %d KiB%n", rssBefore, residentSetKiB());
        }
    }

    private static long residentSetKiB() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }
}
