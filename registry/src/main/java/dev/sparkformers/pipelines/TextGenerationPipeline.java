package dev.sparkformers.pipelines;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import dev.sparkformers.auto.AutoModelForCausalLM;
import dev.sparkformers.generation.CausalLanguageModel;
import dev.sparkformers.generation.GenerateOutput;
import dev.sparkformers.generation.GenerationConfig;
import dev.sparkformers.modeling.PreTrainedModel;
import dev.sparkformers.tokenization.BatchEncoding;
import dev.sparkformers.tokenization.Encoding;
import dev.sparkformers.tokenization.PreTrainedTokenizer;
import dev.sparkformers.tokenization.Side;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Text generation with a causal language model, HuggingFace's {@code text-generation} pipeline:
 * each prompt is tokenized, prompts are left-padded into batches, {@link CausalLanguageModel#generate}
 * continues them, and the new tokens are decoded to text.
 *
 * <p>Parameters: {@code return_full_text} (default true: the prompt text followed by the new text)
 * and {@code clean_up_tokenization_spaces} (default true, the pipeline's default in HuggingFace)
 * in postprocess; {@code seed} in forward; every other parameter is a generation setting
 * ({@code max_new_tokens}, {@code do_sample}, {@code temperature}, {@code top_k}, {@code top_p},
 * {@code num_beams}, {@code num_return_sequences}, ...) that updates the model's
 * {@link GenerationConfig}, and an unknown one fails the call as in HuggingFace.
 *
 * <p>Sampling draws from one generator per prompt, seeded by the prompt's own seed, else by the
 * {@code seed} parameter and the prompt text, so a prompt's output does not depend on its batch.
 * NOTE: batched prompts run with padding, whose float rounding can differ from a lone prompt's by
 * about 1e-6; a draw that falls that close to a boundary between two tokens can still change.
 */
public class TextGenerationPipeline extends Pipeline<Prompt, GenerationResult, List<GeneratedText>> {

    /** Task name. */
    public static final String TASK = "text-generation";

    private static final Logger LOG = LoggerFactory.getLogger(TextGenerationPipeline.class);

    private static final String GENERATION_SETTINGS = "generation_settings";

    private final CausalLanguageModel languageModel;

    /**
     * @param model a model that implements {@link CausalLanguageModel}
     * @param tokenizer its tokenizer; batches of prompts of different lengths need a pad token
     * @throws IllegalArgumentException if the model cannot generate
     */
    public TextGenerationPipeline(PreTrainedModel<?> model, PreTrainedTokenizer tokenizer) {
        super(model, tokenizer);
        if (!(model instanceof CausalLanguageModel causal)) {
            throw new IllegalArgumentException(model.getClass().getName() + " cannot generate: text-generation needs "
                    + "a model that implements CausalLanguageModel");
        }
        this.languageModel = causal;
    }

    @Override
    public String task() {
        return TASK;
    }

    @Override
    public StageParameters sanitizeParameters(Map<String, ?> parameters) {
        Map<String, Object> forward = new HashMap<>();
        Map<String, Object> postprocess = new HashMap<>();
        Map<String, Object> generateArguments = new HashMap<>(parameters);

        Boolean fullText = booleanParameter(parameters, "return_full_text");
        generateArguments.remove("return_full_text");
        if (fullText != null) {
            postprocess.put("return_full_text", fullText);
        }
        Boolean cleanUp = booleanParameter(parameters, "clean_up_tokenization_spaces");
        generateArguments.remove("clean_up_tokenization_spaces");
        if (cleanUp != null) {
            postprocess.put("clean_up_tokenization_spaces", cleanUp);
        }
        Long seed = longParameter(parameters, "seed");
        generateArguments.remove("seed");
        if (seed != null) {
            forward.put("seed", seed);
        }

        GenerationConfig settings = languageModel.generationConfig().copy();
        Set<String> unused = settings.update(GenerationArguments.typed(generateArguments));
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("The following generation arguments are not used by the model: "
                    + unused + " (note: typos in the generate arguments will also show up in this list). Pipeline "
                    + "parameters: return_full_text, clean_up_tokenization_spaces, seed");
        }
        if (settings.padTokenId().isEmpty() && tokenizer().padTokenId().isPresent()) {
            // HuggingFace's pipeline tells generate the tokenizer's pad token when the model has none.
            settings.setPadTokenId((int) tokenizer().padTokenId().getAsLong());
        }
        settings.validate();
        forward.put(GENERATION_SETTINGS, settings);
        return new StageParameters(Map.of(), forward, postprocess);
    }

    @Override
    public Encoding preprocess(Prompt prompt, Map<String, Object> parameters) {
        Encoding encoding = tokenizer().encode(prompt.text());
        if (encoding.length() == 0) {
            throw new IllegalArgumentException("The prompt gives no token; generation needs at least one");
        }
        return encoding;
    }

    @Override
    public List<GenerationResult> forward(List<Encoding> batch, Map<String, Object> parameters) {
        List<Prompt> prompts = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            prompts.add(null);
        }
        return forward(batch, prompts, parameters);
    }

    @Override
    public List<GenerationResult> forward(List<Encoding> batch, List<Prompt> prompts, Map<String, Object> parameters) {
        boolean ragged = batch.stream().mapToInt(Encoding::length).distinct().count() > 1;
        if (ragged && tokenizer().padTokenId().isEmpty()) {
            LOG.debug("The tokenizer has no pad token; generating for {} prompts one at a time", batch.size());
            List<GenerationResult> results = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                results.addAll(generate(List.of(batch.get(i)), prompts.subList(i, i + 1), parameters));
            }
            return results;
        }
        return generate(batch, prompts, parameters);
    }

    private List<GenerationResult> generate(List<Encoding> batch, List<Prompt> prompts, Map<String, Object> parameters) {
        GenerationConfig settings = (GenerationConfig) parameters.get(GENERATION_SETTINGS);
        if (settings == null) {
            settings = languageModel.generationConfig();
        }
        Long seed = (Long) parameters.get("seed");
        List<RandomGenerator> randoms = new ArrayList<>(batch.size());
        for (Prompt prompt : prompts) {
            randoms.add(random(prompt, seed));
        }

        BatchEncoding padded = tokenizer().pad(batch, Side.LEFT);
        int paddedLength = padded.encodings().get(0).length();
        long[][] sequences;
        try (NDManager manager = model().manager().newSubManager()) {
            NDArray ids = padded.toNDArray(manager, BatchEncoding.INPUT_IDS);
            NDArray mask = padded.toNDArray(manager, BatchEncoding.ATTENTION_MASK);
            GenerateOutput output = languageModel.generatePerPrompt(ids, mask, settings, randoms);
            long[] flat = output.sequences().toLongArray();
            int rows = (int) output.sequences().getShape().get(0);
            int length = (int) output.sequences().getShape().get(1);
            sequences = new long[rows][];
            for (int row = 0; row < rows; row++) {
                sequences[row] = Arrays.copyOfRange(flat, row * length + paddedLength, (row + 1) * length);
            }
        }

        int copies = sequences.length / batch.size();
        List<Integer> eos = settings.eosTokenIds();
        List<GenerationResult> results = new ArrayList<>(batch.size());
        for (int prompt = 0; prompt < batch.size(); prompt++) {
            List<long[]> newTokens = new ArrayList<>(copies);
            List<String> reasons = new ArrayList<>(copies);
            for (int copy = 0; copy < copies; copy++) {
                long[] tokens = sequences[prompt * copies + copy];
                int end = firstEos(tokens, eos);
                newTokens.add(end < 0 ? tokens : Arrays.copyOf(tokens, end + 1));
                reasons.add(end < 0 ? GeneratedText.LENGTH : GeneratedText.EOS);
            }
            results.add(new GenerationResult(batch.get(prompt).inputIds(), newTokens, reasons));
        }
        return results;
    }

    private static RandomGenerator random(Prompt prompt, Long seed) {
        if (prompt != null && prompt.seed() != null) {
            return new SplittableRandom(prompt.seed());
        }
        if (seed != null) {
            return new SplittableRandom(Seeds.forKey(seed, prompt == null ? "" : prompt.text()));
        }
        return new SplittableRandom();
    }

    private static int firstEos(long[] tokens, List<Integer> eos) {
        for (int i = 0; i < tokens.length; i++) {
            if (eos.contains((int) tokens[i])) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public List<GeneratedText> postprocess(GenerationResult raw, Encoding input, Map<String, Object> parameters) {
        return postprocess(raw, (Prompt) null, input, parameters);
    }

    /**
     * Decodes each sequence as HuggingFace does: the prompt and new tokens are decoded together
     * without special tokens, and the new text is what follows the decoded prompt's length. The
     * full text puts the original prompt text in front of it.
     */
    @Override
    public List<GeneratedText> postprocess(GenerationResult raw, Prompt prompt, Encoding input,
            Map<String, Object> parameters) {
        boolean fullText = (Boolean) parameters.getOrDefault("return_full_text", true);
        boolean cleanUp = (Boolean) parameters.getOrDefault("clean_up_tokenization_spaces", true);
        long[] promptIds = raw.promptIds();
        int promptLength = tokenizer().decode(promptIds, true, cleanUp).length();
        String promptText = prompt != null ? prompt.text() : tokenizer().decode(promptIds, true, cleanUp);

        List<GeneratedText> texts = new ArrayList<>(raw.sequences().size());
        for (int i = 0; i < raw.sequences().size(); i++) {
            long[] newIds = raw.sequences().get(i);
            long[] all = new long[promptIds.length + newIds.length];
            System.arraycopy(promptIds, 0, all, 0, promptIds.length);
            System.arraycopy(newIds, 0, all, promptIds.length, newIds.length);
            String text = tokenizer().decode(all, true, cleanUp);
            String newText = text.substring(Math.min(promptLength, text.length()));
            texts.add(new GeneratedText(fullText ? promptText + newText : newText, newIds,
                    raw.finishReasons().get(i)));
        }
        return texts;
    }

    /**
     * Builds the pipeline with {@code AutoModelForCausalLM}. The tokenizer pads on the left, and a
     * tokenizer without a pad token pads with the model's {@code pad_token_id} or its end-of-sequence
     * token, as HuggingFace users set GPT-2 up for batched generation.
     */
    public static final class Factory implements PipelineFactory {

        @Override
        public String task() {
            return TASK;
        }

        @Override
        public Pipeline<?, ?, ?> create(Path directory, PipelineOptions options) throws IOException {
            PreTrainedModel<?> model = AutoModelForCausalLM.fromPretrained(directory, options.load());
            try {
                PreTrainedTokenizer tokenizer = PipelineTokenizers.load(directory, model.config(), Side.LEFT, true);
                try {
                    return new TextGenerationPipeline(model, tokenizer);
                } catch (RuntimeException e) {
                    tokenizer.close();
                    throw e;
                }
            } catch (IOException | RuntimeException e) {
                model.close();
                throw e;
            }
        }
    }
}
