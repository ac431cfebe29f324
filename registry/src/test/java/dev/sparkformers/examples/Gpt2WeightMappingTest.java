package dev.sparkformers.examples;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.sparkformers.auto.AutoModelForCausalLM;
import dev.sparkformers.generation.GenerateOutput;
import dev.sparkformers.modeling.CausalLMOutputWithPast;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.modeling.ModelInputs;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.modeling.WeightMapping;
import dev.sparkformers.models.gpt2.GPT2Config;
import dev.sparkformers.models.gpt2.GPT2LMHeadModel;
import dev.sparkformers.testing.Golden;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** HuggingFace GPT-2 weights loaded into {@link MyGptForCausalLM} through {@link Gpt2ToMyGpt#MAPPING}. */
class Gpt2WeightMappingTest {

    private static final double TOLERANCE = 1e-5;

    @TempDir
    Path dir;

    private static MyGptForCausalLM loadMapped(WeightMapping mapping) throws IOException {
        Path checkpoint = Golden.directory("tiny-gpt2");
        GPT2Config gpt2 = GPT2Config.fromPretrained(checkpoint, GPT2Config.class);
        return mapping.load(checkpoint, Gpt2ToMyGpt.config(gpt2), MyGptForCausalLM::new, LoadOptions.defaults());
    }

    @Test
    void logitsEqualGpt2() throws IOException {
        Map<String, Double> maxima = new TreeMap<>();
        try (Golden golden = Golden.open("tiny-gpt2"); NDManager manager = NDManager.newBaseManager();
                GPT2LMHeadModel gpt2 = GPT2LMHeadModel.fromPretrained(golden.checkpoint());
                MyGptForCausalLM mapped = loadMapped(Gpt2ToMyGpt.MAPPING)) {
            for (String caseName : List.of("right", "single", "left")) {
                ModelInputs inputs = inputs(golden, manager, caseName);
                NDArray expected = gpt2.forward(inputs).logits();
                NDArray actual = mapped.forward(inputs).logits();
                if (caseName.equals("left")) {
                    // Padded query rows see no key in my_gpt, unlike in HuggingFace's arithmetic.
                    NDArray real = inputs.attentionMask().eq(1);
                    expected = expected.get(real);
                    actual = actual.get(real);
                }
                maxima.put(caseName + ".logits", Golden.maxAbsDiff(actual.toFloatArray(), expected.toFloatArray()));
            }
        }
        maxima.forEach((name, diff) -> System.out.printf("my_gpt vs GPT2LMHeadModel %s max |diff| %.3g%n", name, diff));
        maxima.forEach((name, diff) -> assertTrue(diff <= TOLERANCE, name + " differs by " + diff));
    }

    @Test
    void everyKeyIsMapped() throws IOException {
        try (MyGptForCausalLM mapped = loadMapped(Gpt2ToMyGpt.MAPPING)) {
            assertTrue(mapped.loadReport().isComplete(), mapped.loadReport().toString());
            assertSame(mapped.namedParameters().get("token_embed.weight").array(),
                    mapped.namedParameters().get("lm_head.weight").array(), "lm_head shares the embeddings");
        }
    }

    @Test
    void unmappedKeysAreReportedOnBothSides() throws IOException {
        WeightMapping withoutFinalNorm = WeightMapping.builder()
                .map("transformer.wte.weight").to("token_embed.weight")
                .map("transformer.wpe.weight").to("pos_embed.weight")
                .map("transformer.h.{layer}.{part}.weight").to("unused.{layer}.{part}")
                .build();
        try (MyGptForCausalLM mapped = loadMapped(withoutFinalNorm)) {
            List<String> missing = mapped.loadReport().missingKeys();
            List<String> unexpected = mapped.loadReport().unexpectedKeys();
            assertTrue(missing.contains("norm_f.weight"), missing.toString());
            assertTrue(missing.contains("lm_head.weight"), "no tie is declared: " + missing);
            assertTrue(missing.contains("blocks.1.attn.q.weight"), missing.toString());
            assertTrue(unexpected.contains("transformer.ln_f.bias"), unexpected.toString());
            assertTrue(unexpected.contains("transformer.h.0.attn.c_attn.bias"), unexpected.toString());
            assertTrue(unexpected.contains("transformer.h.1.attn.c_attn.weight"),
                    "mapped to names the model lacks: " + unexpected);
            assertFalse(unexpected.contains("transformer.wte.weight"), unexpected.toString());
        }
    }

    @Test
    void missingTransposeIsAShapeError() {
        WeightMapping wrong = WeightMapping.builder()
                .map("transformer.h.{layer}.mlp.c_fc.weight").to("blocks.{layer}.ff.fc1.weight")
                .build();
        IOException e = assertThrows(IOException.class, () -> loadMapped(wrong));
        assertTrue(e.getMessage().contains("size mismatch for blocks.0.ff.fc1.weight (from "
                + "transformer.h.0.mlp.c_fc.weight): the mapped tensor has shape [32, 128], the shape in current "
                + "model is [128, 32]"), e.getMessage());
    }

    @Test
    void unevenSplitIsRejected() {
        WeightMapping wrong = WeightMapping.builder()
                .map("transformer.h.{layer}.attn.c_attn.bias").split(0).to("a.{layer}", "b.{layer}", "c.{layer}",
                        "d.{layer}", "e.{layer}")
                .build();
        IOException e = assertThrows(IOException.class, () -> loadMapped(wrong));
        assertTrue(e.getMessage().contains("cannot be split into 5 equal parts"), e.getMessage());
    }

    @Test
    void twoTensorsForOneWeightAreRejected() {
        WeightMapping wrong = WeightMapping.builder()
                .map("transformer.ln_f.weight").to("norm_f.weight")
                .map("transformer.h.1.ln_2.weight").to("norm_f.weight")
                .build();
        IOException e = assertThrows(IOException.class, () -> loadMapped(wrong));
        assertTrue(e.getMessage().contains("is mapped from both"), e.getMessage());
    }

    @Test
    void strictLoadNamesUnfilledWeights() {
        WeightMapping partial = WeightMapping.builder().map("transformer.wte.weight").to("token_embed.weight").build();
        Path checkpoint = Golden.directory("tiny-gpt2");
        IOException e = assertThrows(IOException.class, () -> partial.load(checkpoint,
                Gpt2ToMyGpt.config(GPT2Config.fromPretrained(checkpoint, GPT2Config.class)), MyGptForCausalLM::new,
                LoadOptions.builder().strict(true).build()));
        assertTrue(e.getMessage().contains("no mapping rule fills"), e.getMessage());
        assertTrue(e.getMessage().contains("norm_f.weight"), e.getMessage());
    }

    /** generate() needs nothing GPT-2-specific: the mapped model, without a cache, gives the reference sequences. */
    @Test
    void mappedModelGeneratesReferenceSequences() throws IOException {
        try (Golden golden = Golden.open("tiny-gpt2"); NDManager manager = NDManager.newBaseManager();
                MyGptForCausalLM mapped = loadMapped(Gpt2ToMyGpt.MAPPING)) {
            for (String mode : List.of("greedy", "beam3")) {
                GenerateOutput output = mapped.generate(golden.array(manager, "gen.input_ids"),
                        golden.array(manager, "gen.attention_mask"),
                        Map.of("max_new_tokens", 8, "pad_token_id", 0, "num_beams", mode.equals("greedy") ? 1 : 3));
                assertArrayEquals(golden.tensor("gen." + mode + ".sequences").toLongArray(),
                        output.sequences().toLongArray(), mode);
            }
        }
    }

    @Test
    void savedMappedModelReloadsThroughAutoClass() throws IOException {
        Path saved = dir.resolve("my-gpt-from-gpt2");
        try (Golden golden = Golden.open("tiny-gpt2"); NDManager manager = NDManager.newBaseManager();
                MyGptForCausalLM mapped = loadMapped(Gpt2ToMyGpt.MAPPING)) {
            mapped.savePretrained(saved);
            ModelInputs inputs = inputs(golden, manager, "right");
            float[] before = mapped.forward(inputs).logits().toFloatArray();
            try (PreTrainedModel<?> reloaded = AutoModelForCausalLM.fromPretrained(saved)) {
                assertInstanceOf(MyGptForCausalLM.class, reloaded);
                assertTrue(reloaded.loadReport().isComplete(), reloaded.loadReport().toString());
                CausalLMOutputWithPast output = (CausalLMOutputWithPast) reloaded.forward(inputs);
                assertEquals(0.0, Golden.maxAbsDiff(output.logits().toFloatArray(), before));
            }
        }
    }

    private static ModelInputs inputs(Golden golden, NDManager manager, String caseName) {
        if (caseName.equals("single")) {
            return ModelInputs.of(golden.array(manager, "single.input_ids"));
        }
        ModelInputs.Builder builder = ModelInputs.builder(golden.array(manager, caseName + ".input_ids"))
                .attentionMask(golden.array(manager, caseName + ".attention_mask"));
        if (caseName.equals("left")) {
            builder.positionIds(golden.array(manager, "left.position_ids"));
        }
        return builder.build();
    }
}
