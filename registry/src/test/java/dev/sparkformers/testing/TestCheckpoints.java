package dev.sparkformers.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Map;

/**
 * Checkpoint directories for pipeline tests: a golden fixture's model files copied out of the
 * test resources (by stream, so that it also works from the registry's test jar in other
 * modules), with a tokenizer that fits its 1000-token vocabulary.
 *
 * <p>The hf-golden fixtures have no tokenizer. Two small tokenizers stand in:
 * <ul>
 *   <li>{@link #writeTinyGpt2Tokenizer}: GPT-2's byte-level BPE tokenizer (the test resource
 *       {@code tokenizers/gpt2}) cut to its first 999 tokens, which are the 256 byte symbols and
 *       the tokens of the first 743 merges (GPT-2 numbers merge {@code k}'s token {@code 256 + k}),
 *       with {@code <|endoftext|>} moved from id 50256 to 999, the tiny GPT-2's bos and eos id.
 *       Texts encode to ids below 1000 with the same merges GPT-2 applies first.</li>
 *   <li>{@link #writeWordLevelTokenizer}: a BERT-style word-level tokenizer whose ids name
 *       themselves ({@code w17} is id 17) with {@code [PAD]} = 0, {@code [UNK]} = 997,
 *       {@code [CLS]} = 998, {@code [SEP]} = 999 and {@code [MASK]} at a chosen id, so that the
 *       golden fixtures' input ids can be written as text and decoded back.</li>
 * </ul>
 */
public final class TestCheckpoints {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The id of {@code <|endoftext|>} in the trimmed GPT-2 tokenizer. */
    public static final int TINY_GPT2_EOS = 999;

    private TestCheckpoints() {}

    /** Copies the model files of hf-golden fixture {@code name} into {@code target}. */
    public static Path copyGolden(String name, Path target) {
        try {
            Files.createDirectories(target);
            for (String file : new String[] {"config.json", "generation_config.json", "model.safetensors"}) {
                try (InputStream in = resource("hf-golden/" + name + "/" + file, false)) {
                    if (in != null) {
                        Files.copy(in, target.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies fixture {@code name} into {@code target} and adds the trimmed GPT-2 tokenizer. */
    public static Path tinyGpt2WithTokenizer(String name, Path target) {
        copyGolden(name, target);
        writeTinyGpt2Tokenizer(target);
        return target;
    }

    /** Writes the trimmed GPT-2 tokenizer described above into {@code directory}. */
    public static void writeTinyGpt2Tokenizer(Path directory) {
        try (InputStream in = resource("tokenizers/gpt2/tokenizer.json", true)) {
            ObjectNode root = (ObjectNode) JSON.readTree(in);
            ObjectNode model = (ObjectNode) root.get("model");

            ObjectNode vocab = JSON.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> entries = model.get("vocab").fields(); entries.hasNext();) {
                Map.Entry<String, JsonNode> entry = entries.next();
                if (entry.getValue().asInt() < TINY_GPT2_EOS) {
                    vocab.put(entry.getKey(), entry.getValue().asInt());
                }
            }
            vocab.put("<|endoftext|>", TINY_GPT2_EOS);
            ArrayNode merges = JSON.createArrayNode();
            for (JsonNode merge : model.get("merges")) {
                String[] parts = merge.asText().split(" ");
                if (vocab.has(parts[0]) && vocab.has(parts[1]) && vocab.has(parts[0] + parts[1])) {
                    merges.add(merge.asText());
                }
            }
            model.set("vocab", vocab);
            model.set("merges", merges);
            ((ObjectNode) root.get("added_tokens").get(0)).put("id", TINY_GPT2_EOS);

            Files.createDirectories(directory);
            JSON.writeValue(directory.resolve("tokenizer.json").toFile(), root);
            ObjectNode config = JSON.createObjectNode();
            config.put("bos_token", "<|endoftext|>");
            config.put("eos_token", "<|endoftext|>");
            config.put("unk_token", "<|endoftext|>");
            config.put("model_max_length", 64);
            config.put("tokenizer_class", "GPT2Tokenizer");
            config.put("clean_up_tokenization_spaces", false);
            JSON.writeValue(directory.resolve("tokenizer_config.json").toFile(), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes the word-level tokenizer described above, of {@code vocabSize} tokens, into
     * {@code directory}.
     */
    public static void writeWordLevelTokenizer(Path directory, int vocabSize, int maskId) {
        ObjectNode root = JSON.createObjectNode();
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        ObjectNode vocab = JSON.createObjectNode();
        for (int id = 0; id < vocabSize; id++) {
            String token = wordLevelToken(id, vocabSize, maskId);
            vocab.put(token, id);
            if (token.startsWith("[")) {
                ObjectNode special = added.addObject();
                special.put("id", id);
                special.put("content", token);
                special.put("single_word", false);
                special.put("lstrip", false);
                special.put("rstrip", false);
                special.put("normalized", false);
                special.put("special", true);
            }
        }
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "WhitespaceSplit");
        ObjectNode post = root.putObject("post_processor");
        post.put("type", "TemplateProcessing");
        ArrayNode single = post.putArray("single");
        single.addObject().putObject("SpecialToken").put("id", "[CLS]").put("type_id", 0);
        single.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        single.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 0);
        ArrayNode pair = post.putArray("pair");
        pair.addObject().putObject("SpecialToken").put("id", "[CLS]").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "A").put("type_id", 0);
        pair.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 0);
        pair.addObject().putObject("Sequence").put("id", "B").put("type_id", 1);
        pair.addObject().putObject("SpecialToken").put("id", "[SEP]").put("type_id", 1);
        ObjectNode specials = post.putObject("special_tokens");
        for (String token : new String[] {"[CLS]", "[SEP]"}) {
            int id = token.equals("[CLS]") ? vocabSize - 2 : vocabSize - 1;
            ObjectNode entry = specials.putObject(token);
            entry.put("id", token);
            entry.putArray("ids").add(id);
            entry.putArray("tokens").add(token);
        }
        root.putNull("decoder");
        ObjectNode model = root.putObject("model");
        model.put("type", "WordLevel");
        model.set("vocab", vocab);
        model.put("unk_token", "[UNK]");

        ObjectNode config = JSON.createObjectNode();
        config.put("cls_token", "[CLS]");
        config.put("sep_token", "[SEP]");
        config.put("pad_token", "[PAD]");
        config.put("unk_token", "[UNK]");
        config.put("mask_token", "[MASK]");
        config.put("model_max_length", 64);
        config.put("tokenizer_class", "BertTokenizer");
        try {
            Files.createDirectories(directory);
            JSON.writeValue(directory.resolve("tokenizer.json").toFile(), root);
            JSON.writeValue(directory.resolve("tokenizer_config.json").toFile(), config);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The token of {@code id} in the word-level tokenizer. */
    public static String wordLevelToken(int id, int vocabSize, int maskId) {
        if (id == 0) {
            return "[PAD]";
        }
        if (id == maskId) {
            return "[MASK]";
        }
        if (id == vocabSize - 3) {
            return "[UNK]";
        }
        if (id == vocabSize - 2) {
            return "[CLS]";
        }
        if (id == vocabSize - 1) {
            return "[SEP]";
        }
        return "w" + id;
    }

    private static InputStream resource(String name, boolean required) throws IOException {
        InputStream in = TestCheckpoints.class.getClassLoader().getResourceAsStream(name);
        if (in == null && required) {
            throw new IOException("Test resource " + name + " is missing");
        }
        return in;
    }
}
