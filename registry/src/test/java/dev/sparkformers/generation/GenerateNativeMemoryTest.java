package dev.sparkformers.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDManager;

import dev.sparkformers.models.gpt2.GPT2LMHeadModel;
import dev.sparkformers.testing.Golden;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Generation keeps nothing but its outputs alive: after many calls the model's manager contains
 * exactly its weights, and each batch manager contains exactly its inputs and the returned arrays.
 */
class GenerateNativeMemoryTest {

    private static final int CALLS = 200;

    @Test
    void generateReleasesEveryStepArray() throws IOException {
        try (Golden golden = Golden.open("tiny-gpt2");
                GPT2LMHeadModel model = GPT2LMHeadModel.fromPretrained(golden.checkpoint())) {
            int weights = model.manager().getManagedArrays().size();
            GenerationConfig greedy = model.generationConfig().copy().setMaxNewTokens(8).setPadTokenId(0)
                    .setReturnDictInGenerate(true).setOutputScores(true);
            GenerationConfig beams = greedy.copy().setNumBeams(3);
            GenerationConfig uncached = greedy.copy().setUseCache(false).setOutputScores(false);
            long rssBefore = 0;
            long heapBefore = 0;
            for (int i = 0; i < CALLS; i++) {
                if (i == 50) {
                    rssBefore = residentSetKiB();
                    heapBefore = Runtime.getRuntime().totalMemory() / 1024;
                }
                try (NDManager batch = NDManager.newBaseManager()) {
                    var ids = golden.array(batch, "gen.input_ids");
                    var mask = golden.array(batch, "gen.attention_mask");

                    GenerateOutput output = model.generate(ids, mask, greedy, null);
                    // Inputs (2), sequences and 8 steps of scores.
                    assertEquals(2 + 1 + 8, batch.getManagedArrays().size(), "arrays left after greedy call " + i);
                    output.close();

                    output = model.generate(ids, mask, beams, null);
                    // Inputs (2), sequences, sequence scores, beam indices and 8 steps of scores.
                    assertEquals(2 + 3 + 8, batch.getManagedArrays().size(), "arrays left after beam call " + i);
                    output.close();

                    output = model.generate(ids, mask, uncached, null);
                    assertEquals(2 + 1, batch.getManagedArrays().size(), "arrays left after uncached call " + i);
                    output.close();
                }
            }
            assertEquals(weights, model.manager().getManagedArrays().size(), "the model's manager gained arrays");
            // RSS includes the Java heap, which grows with the per-step score arrays; the heap's
            // committed size is printed beside it to tell the two apart.
            System.out.printf("RSS after 50 rounds of generate: %d KiB (Java heap committed %d KiB), after %d: %d KiB "
                    + "(heap %d KiB)%n", rssBefore, heapBefore, CALLS, residentSetKiB(),
                    Runtime.getRuntime().totalMemory() / 1024);
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
