package dev.sparkformers.hub;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import dev.sparkformers.auto.AutoModel;
import dev.sparkformers.auto.AutoModelForCausalLM;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.testing.TestCheckpoints;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The README.md model card generated for the tiny BERT, GPT-2 and sentence-transformers checkpoints. */
class ModelCardTest {

    @TempDir
    Path dir;

    @Test
    void bertCardHasFeatureExtractionMetadata() throws Exception {
        Path checkpoint = TestCheckpoints.copyGolden("tiny-bert", dir.resolve("tiny-bert"));

        String markdown = ModelCard.fromCheckpoint(checkpoint,
                new ModelCardData("apache-2.0", "google-bert/bert-base-uncased", "s3a://models/tiny-bert")).toMarkdown();
        JsonNode front = frontMatter(markdown);

        assertEquals("sparkformers", front.get("library_name").asText());
        assertEquals("apache-2.0", front.get("license").asText());
        assertEquals("google-bert/bert-base-uncased", front.get("base_model").asText());
        assertEquals("feature-extraction", front.get("pipeline_tag").asText());
        assertEquals(List.of("sparkformers", "bert", "safetensors", "feature-extraction"), tags(front));
        assertTrue(markdown.contains("# tiny-bert\n"), markdown);
        assertTrue(markdown.contains("| Architecture | `BertModel` |"), markdown);
        assertTrue(markdown.contains("bin/sparkformers embed --model s3a://models/tiny-bert"), markdown);
        assertTrue(markdown.contains("AutoModel.fromPretrained(directory)"), markdown);
        assertTrue(markdown.contains("| `model.safetensors` | "
                + String.format(Locale.ROOT, "%,d", Files.size(checkpoint.resolve("model.safetensors"))) + " |"),
                markdown);
        try (PreTrainedModel<?> model = AutoModel.fromPretrained(checkpoint)) {
            assertTrue(markdown.contains(String.format(Locale.ROOT, "| Parameters | %,d (", model.parameterCount())),
                    "the card's count is the model's parameterCount(): " + markdown);
        }
    }

    @Test
    void gpt2CardHasTextGenerationMetadata() throws Exception {
        Path checkpoint = TestCheckpoints.tinyGpt2WithTokenizer("tiny-gpt2", dir.resolve("tiny-gpt2"));

        String markdown = ModelCard.fromCheckpoint(checkpoint, ModelCardData.NONE).toMarkdown();
        JsonNode front = frontMatter(markdown);

        assertEquals("sparkformers", front.get("library_name").asText());
        assertEquals("text-generation", front.get("pipeline_tag").asText());
        assertFalse(front.has("license"), "no license was given: " + front);
        assertFalse(front.has("base_model"), "no base model was given: " + front);
        assertEquals(List.of("sparkformers", "gpt2", "safetensors", "text-generation"), tags(front));
        assertTrue(markdown.contains("AutoModelForCausalLM.fromPretrained(directory)"), markdown);
        assertTrue(markdown.contains("bin/sparkformers generate --model " + checkpoint), markdown);
        assertTrue(markdown.contains("tokenizer = AutoTokenizer.from_pretrained(\"" + checkpoint + "\")"), markdown);
        try (PreTrainedModel<?> model = AutoModelForCausalLM.fromPretrained(checkpoint)) {
            // GPT-2 ties lm_head.weight to wte.weight: both the file and parameterCount() hold it once.
            assertTrue(markdown.contains(String.format(Locale.ROOT, "| Parameters | %,d (", model.parameterCount())),
                    markdown);
        }
    }

    @Test
    void sentenceTransformersCardHasSentenceSimilarity() throws Exception {
        Path checkpoint = TestCheckpoints.copyGolden("tiny-bert", dir.resolve("tiny-st"));
        Files.writeString(checkpoint.resolve("modules.json"), """
                [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                 {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
                """);
        Files.createDirectories(checkpoint.resolve("1_Pooling"));
        Files.writeString(checkpoint.resolve("1_Pooling/config.json"), "{\"pooling_mode_mean_tokens\": true}");
        Files.writeString(checkpoint.resolve("_SUCCESS"), "{}");

        String markdown = ModelCard.fromCheckpoint(checkpoint,
                new ModelCardData("mit", null, "hdfs://namenode/models/tiny st")).toMarkdown();
        JsonNode front = frontMatter(markdown);

        assertEquals("sentence-similarity", front.get("pipeline_tag").asText());
        assertEquals("mit", front.get("license").asText());
        assertEquals(List.of("sparkformers", "bert", "sentence-transformers", "safetensors", "sentence-similarity"),
                tags(front));
        assertTrue(markdown.contains("SentenceTransformer(\"tiny st\")"), markdown);
        assertTrue(markdown.contains("bin/sparkformers embed --model 'hdfs://namenode/models/tiny st'"), markdown);
        assertTrue(markdown.contains("| `1_Pooling/config.json` |"), markdown);
        assertFalse(markdown.contains("_SUCCESS"), "hidden files are not listed: " + markdown);
    }

    @Test
    void savedCardIsTheReadme() throws Exception {
        Path checkpoint = TestCheckpoints.copyGolden("tiny-bert-cls", dir.resolve("tiny-bert-cls"));

        ModelCard card = ModelCard.fromCheckpoint(checkpoint, ModelCardData.NONE);
        Path readme = card.save(checkpoint);

        assertEquals(checkpoint.resolve("README.md"), readme);
        assertEquals(card.toMarkdown(), Files.readString(readme));
        assertEquals("text-classification", frontMatter(Files.readString(readme)).get("pipeline_tag").asText());
        assertFalse(ModelCard.fromCheckpoint(checkpoint, ModelCardData.NONE).toMarkdown().contains("`README.md`"),
                "the card does not list itself");
    }

    @Test
    void directoryWithoutConfigIsRejected() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> ModelCard.fromCheckpoint(dir, ModelCardData.NONE));
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }

    @Test
    void pipelineTagFollowsArchitectureSuffix() {
        assertEquals("fill-mask", PipelineTag.of("BertForMaskedLM", false).orElseThrow().tag());
        assertEquals("text-generation", PipelineTag.of("LlamaForCausalLM", false).orElseThrow().tag());
        assertEquals("text-classification", PipelineTag.of("GPT2ForSequenceClassification", false).orElseThrow().tag());
        assertEquals("feature-extraction", PipelineTag.of("GPT2Model", false).orElseThrow().tag());
        assertTrue(PipelineTag.of("GPT2DoubleHeadsModel", false).isEmpty());
        assertTrue(PipelineTag.of("BertForTokenClassification", false).isEmpty());
        assertTrue(PipelineTag.of(null, false).isEmpty());
        assertEquals("sentence-similarity", PipelineTag.of("BertModel", true).orElseThrow().tag());
    }

    /** Parses the YAML between the leading {@code ---} lines, failing if the card does not start with them. */
    private static JsonNode frontMatter(String markdown) throws Exception {
        assertTrue(markdown.startsWith("---\n"), "the card starts with front matter: " + markdown);
        int end = markdown.indexOf("\n---\n", 4);
        assertTrue(end > 0, "the front matter is closed by a --- line: " + markdown);
        JsonNode front = new YAMLMapper().readTree(markdown.substring(4, end + 1));
        assertTrue(front.isObject(), "the front matter is a YAML mapping: " + front);
        return front;
    }

    private static List<String> tags(JsonNode front) {
        List<String> tags = new ArrayList<>();
        front.get("tags").forEach(tag -> tags.add(tag.asText()));
        return tags;
    }
}
