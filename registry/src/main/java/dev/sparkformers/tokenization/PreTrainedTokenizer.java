package dev.sparkformers.tokenization;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A HuggingFace fast tokenizer ({@code tokenizer.json}) with the settings of its
 * {@code tokenizer_config.json}, used as transformers' {@code PreTrainedTokenizerFast}: encode
 * with explicit padding and truncation, decode, special tokens and vocabulary look-ups. Load one
 * with {@link AutoTokenizer#fromPretrained(Path)}.
 *
 * <p>Tokenization runs in the HF tokenizers native library through DJL. The {@code padding} and
 * {@code truncation} blocks of {@code tokenizer.json} never apply: each call pads and truncates
 * only as its {@link EncodeOptions} request, as in transformers. Truncation is done by the native
 * library, so the special tokens of the post-processor ({@code [CLS] ... [SEP]}) survive it.
 *
 * <p>Thread safety: an instance is immutable after loading and may be shared by any number of
 * threads, such as the task threads of a Spark executor; encode and decode calls run in parallel.
 * {@link #close()} frees the native memory after running calls finish, and later calls fail with
 * {@link IllegalStateException}.
 */
public final class PreTrainedTokenizer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PreTrainedTokenizer.class);

    /** Largest token id the native library accepts: ids are unsigned 32-bit integers there. */
    private static final long MAX_TOKEN_ID = 0xFFFF_FFFFL;

    private final Path directory;
    private final String modelType;
    private final TokenizerConfig config;
    private final Vocabulary vocabulary;
    private final NativeTokenizer nativeTokenizer;
    private final Map<SpecialToken, Long> specialTokenIds;
    private final Set<Long> allSpecialIds;
    private final WarnOnce warnings;

    PreTrainedTokenizer(Path directory, String modelType, TokenizerConfig config, Vocabulary vocabulary,
            NativeTokenizer nativeTokenizer) {
        this.directory = directory;
        this.modelType = modelType;
        this.config = config;
        this.vocabulary = vocabulary;
        this.nativeTokenizer = nativeTokenizer;
        this.warnings = new WarnOnce(LOG, directory.toString());

        // transformers maps a special token that is not in the vocabulary to unk_token's id.
        Map<SpecialToken, Long> ids = new EnumMap<>(SpecialToken.class);
        for (Map.Entry<SpecialToken, AddedToken> entry : config.specialTokens().entrySet()) {
            OptionalLong id = convertTokenToId(entry.getValue().content());
            if (id.isPresent()) {
                ids.put(entry.getKey(), id.getAsLong());
            }
        }
        this.specialTokenIds = Collections.unmodifiableMap(ids);

        Set<Long> special = new LinkedHashSet<>();
        for (AddedToken token : config.allSpecialTokens()) {
            convertTokenToId(token.content()).ifPresent(special::add);
        }
        this.allSpecialIds = Collections.unmodifiableSet(special);
    }

    /** Returns the directory the tokenizer was loaded from. */
    public Path directory() {
        return directory;
    }

    /** Returns the model type of {@code tokenizer.json}: {@code BPE}, {@code WordPiece}, {@code WordLevel} or {@code Unigram}. */
    public String modelType() {
        return modelType;
    }

    /** Returns the {@code tokenizer_class} named in {@code tokenizer_config.json}, such as {@code "BertTokenizer"}. */
    public Optional<String> tokenizerClass() {
        return config.tokenizerClass();
    }

    /**
     * Returns the maximum sequence length of the model ({@code model_max_length}), which truncation and
     * {@link PaddingStrategy#MAX_LENGTH} padding use when a call sets no {@code maxLength}. It is
     * {@link Integer#MAX_VALUE} when the config sets none, as transformers uses {@code int(1e30)}.
     */
    public int modelMaxLength() {
        return config.modelMaxLength();
    }

    /** Returns whether {@code model_max_length} is set, so that {@link #modelMaxLength()} is a real limit. */
    public boolean hasModelMaxLength() {
        return config.hasModelMaxLength();
    }

    /** Returns the default padding side ({@code padding_side}), {@link Side#RIGHT} unless the config sets it. */
    public Side paddingSide() {
        return config.paddingSide();
    }

    /** Returns the default truncation side ({@code truncation_side}), {@link Side#RIGHT} unless the config sets it. */
    public Side truncationSide() {
        return config.truncationSide();
    }

    /** Returns whether {@link #decode} removes spaces before punctuation by default ({@code clean_up_tokenization_spaces}). */
    public boolean cleanUpTokenizationSpaces() {
        return config.cleanUpTokenizationSpaces();
    }

    /** Returns the size of the model vocabulary without added tokens, as transformers' {@code vocab_size}. */
    public int vocabSize() {
        return vocabulary.modelSize();
    }

    /** Returns the number of distinct tokens including added tokens, as {@code len(tokenizer)} in transformers. */
    public int vocabSizeWithAddedTokens() {
        return vocabulary.sizeWithAddedTokens();
    }

    /** Returns a named special token, or empty when the tokenizer has none of that kind. */
    public Optional<String> specialToken(SpecialToken kind) {
        AddedToken token = config.specialTokens().get(kind);
        return token == null ? Optional.empty() : Optional.of(token.content());
    }

    /**
     * Returns the id of a named special token, or empty when the tokenizer has none of that kind.
     * A token that is not in the vocabulary gets the unknown token's id, as in transformers.
     */
    public OptionalLong specialTokenId(SpecialToken kind) {
        Long id = specialTokenIds.get(kind);
        return id == null ? OptionalLong.empty() : OptionalLong.of(id);
    }

    /** Returns the padding token ({@code pad_token}), if any. */
    public Optional<String> padToken() {
        return specialToken(SpecialToken.PAD);
    }

    /** Returns the id of the padding token, if any. */
    public OptionalLong padTokenId() {
        return specialTokenId(SpecialToken.PAD);
    }

    /** Returns the unknown token ({@code unk_token}), if any. */
    public Optional<String> unkToken() {
        return specialToken(SpecialToken.UNK);
    }

    /** Returns the id of the unknown token, if any. */
    public OptionalLong unkTokenId() {
        return specialTokenId(SpecialToken.UNK);
    }

    /** Returns the classification token ({@code cls_token}), if any. */
    public Optional<String> clsToken() {
        return specialToken(SpecialToken.CLS);
    }

    /** Returns the id of the classification token, if any. */
    public OptionalLong clsTokenId() {
        return specialTokenId(SpecialToken.CLS);
    }

    /** Returns the separator token ({@code sep_token}), if any. */
    public Optional<String> sepToken() {
        return specialToken(SpecialToken.SEP);
    }

    /** Returns the id of the separator token, if any. */
    public OptionalLong sepTokenId() {
        return specialTokenId(SpecialToken.SEP);
    }

    /** Returns the mask token ({@code mask_token}), if any. */
    public Optional<String> maskToken() {
        return specialToken(SpecialToken.MASK);
    }

    /** Returns the id of the mask token, if any. */
    public OptionalLong maskTokenId() {
        return specialTokenId(SpecialToken.MASK);
    }

    /** Returns the beginning-of-sequence token ({@code bos_token}), if any. */
    public Optional<String> bosToken() {
        return specialToken(SpecialToken.BOS);
    }

    /** Returns the id of the beginning-of-sequence token, if any. */
    public OptionalLong bosTokenId() {
        return specialTokenId(SpecialToken.BOS);
    }

    /** Returns the end-of-sequence token ({@code eos_token}), if any. */
    public Optional<String> eosToken() {
        return specialToken(SpecialToken.EOS);
    }

    /** Returns the id of the end-of-sequence token, if any. */
    public OptionalLong eosTokenId() {
        return specialTokenId(SpecialToken.EOS);
    }

    /** Returns the {@code additional_special_tokens} of the config. */
    public List<String> additionalSpecialTokens() {
        List<String> tokens = new ArrayList<>();
        for (AddedToken token : config.additionalSpecialTokens()) {
            tokens.add(token.content());
        }
        return Collections.unmodifiableList(tokens);
    }

    /** Returns the ids of all special tokens, named and additional, as transformers' {@code all_special_ids}. */
    public Set<Long> allSpecialIds() {
        return allSpecialIds;
    }

    /** Returns how many special tokens the post-processor adds to a single text, or to a pair of texts. */
    public int numSpecialTokensToAdd(boolean pair) {
        return nativeTokenizer.numSpecialTokensToAdd(pair);
    }

    /**
     * Returns the id of a token: its own id, else the unknown token's id, else empty when the
     * tokenizer has no unknown token (transformers returns {@code None} then).
     */
    public OptionalLong convertTokenToId(String token) {
        Objects.requireNonNull(token, "token");
        OptionalInt id = vocabulary.tokenToId(token);
        if (id.isPresent()) {
            return OptionalLong.of(id.getAsInt());
        }
        AddedToken unk = config.specialTokens().get(SpecialToken.UNK);
        if (unk == null) {
            return OptionalLong.empty();
        }
        OptionalInt unkId = vocabulary.tokenToId(unk.content());
        return unkId.isPresent() ? OptionalLong.of(unkId.getAsInt()) : OptionalLong.empty();
    }

    /**
     * Returns the ids of tokens, using the unknown token's id for tokens not in the vocabulary.
     *
     * @throws IllegalArgumentException if a token is not in the vocabulary and the tokenizer has no
     *     unknown token
     */
    public long[] convertTokensToIds(List<String> tokens) {
        long[] ids = new long[tokens.size()];
        for (int index = 0; index < ids.length; index++) {
            String token = tokens.get(index);
            OptionalLong id = convertTokenToId(token);
            if (id.isEmpty()) {
                throw new IllegalArgumentException("token '" + token + "' at index " + index + " is not in the "
                        + "vocabulary of " + directory + ", which has no unk_token to map it to");
            }
            ids[index] = id.getAsLong();
        }
        return ids;
    }

    /**
     * Returns the token of each id. An id that no token has gives null, as transformers gives
     * {@code None}.
     */
    public String[] convertIdsToTokens(long[] ids) {
        return convertIdsToTokens(ids, false);
    }

    /**
     * Returns the token of each id, leaving out the ids of {@link #allSpecialIds()} when
     * {@code skipSpecialTokens} is set. An id that no token has gives null.
     */
    public String[] convertIdsToTokens(long[] ids, boolean skipSpecialTokens) {
        List<String> tokens = new ArrayList<>(ids.length);
        for (long id : ids) {
            if (skipSpecialTokens && allSpecialIds.contains(id)) {
                continue;
            }
            tokens.add(vocabulary.idToToken(id));
        }
        return tokens.toArray(new String[0]);
    }

    /** Returns the tokens of a text without special tokens, as transformers' {@code tokenize(text)}. */
    public List<String> tokenize(String text) {
        Encoding encoding = encode(text, EncodeOptions.builder().addSpecialTokens(false).build());
        return List.of(encoding.tokens());
    }

    /** Encodes one text with the default options: special tokens added, no padding, no truncation. */
    public Encoding encode(String text) {
        return encode(text, EncodeOptions.defaults());
    }

    /**
     * Encodes one text as {@code tokenizer(text, **options)} does in transformers.
     *
     * @throws IllegalArgumentException if the text contains an unpaired surrogate or the options
     *     conflict (see {@link EncodeOptions})
     * @throws IllegalStateException if padding is requested and the tokenizer has no pad token
     */
    public Encoding encode(String text, EncodeOptions options) {
        Objects.requireNonNull(text, "text");
        return encodeRows(List.of(text), null, options).get(0);
    }

    /**
     * Encodes a pair of texts, such as a question and a passage, as
     * {@code tokenizer(text, text_pair, **options)} does in transformers.
     */
    public Encoding encode(String text, String textPair, EncodeOptions options) {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(textPair, "textPair");
        return encodeRows(List.of(text), List.of(textPair), options).get(0);
    }

    /**
     * Encodes a batch of texts as {@code tokenizer(texts, **options)} does in transformers.
     *
     * @throws IllegalArgumentException naming the row whose text could not be encoded
     */
    public BatchEncoding batchEncode(List<String> texts, EncodeOptions options) {
        return new BatchEncoding(encodeRows(texts, null, options));
    }

    /**
     * Encodes a batch of text pairs as {@code tokenizer(texts, text_pairs, **options)} does in
     * transformers.
     *
     * @throws IllegalArgumentException if the lists differ in size, or naming the row that could
     *     not be encoded
     */
    public BatchEncoding batchEncodePairs(List<String> texts, List<String> textPairs, EncodeOptions options) {
        Objects.requireNonNull(textPairs, "textPairs");
        if (texts.size() != textPairs.size()) {
            throw new IllegalArgumentException("texts and textPairs must have the same size, but have "
                    + texts.size() + " and " + textPairs.size());
        }
        return new BatchEncoding(encodeRows(texts, textPairs, options));
    }

    /** Decodes ids back to text, keeping special tokens, as transformers' {@code decode(ids)}. */
    public String decode(long[] ids) {
        return decode(ids, false);
    }

    /**
     * Decodes ids back to text, then removes spaces before punctuation if
     * {@link #cleanUpTokenizationSpaces()} is set.
     *
     * @param skipSpecialTokens leave out special added tokens such as {@code [CLS]} and padding
     * @throws IllegalArgumentException if an id is negative or above 2^32 - 1
     */
    public String decode(long[] ids, boolean skipSpecialTokens) {
        return decode(ids, skipSpecialTokens, config.cleanUpTokenizationSpaces());
    }

    /**
     * Decodes ids back to text with an explicit {@code clean_up_tokenization_spaces}. Ids that no
     * token has are skipped, as in the native library.
     *
     * @throws IllegalArgumentException if an id is negative or above 2^32 - 1
     */
    public String decode(long[] ids, boolean skipSpecialTokens, boolean cleanUpTokenizationSpaces) {
        Objects.requireNonNull(ids, "ids");
        for (int index = 0; index < ids.length; index++) {
            if (ids[index] < 0 || ids[index] > MAX_TOKEN_ID) {
                throw new IllegalArgumentException("token id " + ids[index] + " at index " + index
                        + " is outside 0.." + MAX_TOKEN_ID);
            }
        }
        String text = nativeTokenizer.decode(ids, skipSpecialTokens);
        return cleanUpTokenizationSpaces ? cleanUpTokenization(text) : text;
    }

    /** Decodes each row, as transformers' {@code batch_decode}. */
    public List<String> batchDecode(long[][] ids, boolean skipSpecialTokens) {
        List<String> texts = new ArrayList<>(ids.length);
        for (long[] row : ids) {
            texts.add(decode(row, skipSpecialTokens));
        }
        return texts;
    }

    /**
     * Removes the spaces that word-level decoding leaves before punctuation and English
     * contractions, as transformers' {@code clean_up_tokenization}: {@code "a , b ."} becomes
     * {@code "a, b."} and {@code "do n't"} becomes {@code "don't"}.
     */
    public static String cleanUpTokenization(String text) {
        return text.replace(" .", ".")
                .replace(" ?", "?")
                .replace(" !", "!")
                .replace(" ,", ",")
                .replace(" ' ", "'")
                .replace(" n't", "n't")
                .replace(" 'm", "'m")
                .replace(" 's", "'s")
                .replace(" 've", "'ve")
                .replace(" 're", "'re");
    }

    /** Frees the native tokenizers after running calls finish. */
    @Override
    public void close() {
        nativeTokenizer.close();
    }

    @Override
    public String toString() {
        return "PreTrainedTokenizer{directory=" + directory + ", model=" + modelType + ", vocabSize=" + vocabSize()
                + ", modelMaxLength=" + (hasModelMaxLength() ? Integer.toString(modelMaxLength()) : "unbounded")
                + "}";
    }

    /**
     * Pads rows encoded one at a time into a batch, to the longest row, on {@code side}: HF's
     * {@code tokenizer.pad(encodings, padding="longest")}. Jobs encode each text alone, sort by
     * length and batch later, so padding is a separate step.
     *
     * @throws IllegalStateException if the rows differ in length and the tokenizer has no pad token
     */
    public BatchEncoding pad(List<Encoding> encodings, Side side) {
        Objects.requireNonNull(encodings, "encodings");
        Objects.requireNonNull(side, "side");
        boolean ragged = encodings.stream().mapToInt(Encoding::length).distinct().count() > 1;
        OptionalLong padId = padTokenId();
        if (ragged && padId.isEmpty()) {
            throw new IllegalStateException("Cannot pad rows of different lengths: the tokenizer in " + directory()
                    + " has no pad token. Set pad_token (for GPT-2 style models, often the eos token)");
        }
        PaddingTruncationPlan plan = new PaddingTruncationPlan(PaddingStrategy.LONGEST,
                TruncationStrategy.DO_NOT_TRUNCATE, null, null, side, truncationSide(), true);
        return new BatchEncoding(Padding.pad(encodings, plan, padId.orElse(0), padToken().orElse(null)));
    }

    /** Pads rows to the longest on this tokenizer's {@link #paddingSide()}. */
    public BatchEncoding pad(List<Encoding> encodings) {
        return pad(encodings, paddingSide());
    }

    private List<Encoding> encodeRows(List<String> texts, List<String> textPairs, EncodeOptions options) {
        Objects.requireNonNull(texts, "texts");
        Objects.requireNonNull(options, "options");
        boolean pairs = textPairs != null;
        OptionalLong padId = padTokenId();
        PaddingTruncationPlan plan = PaddingTruncationPlan.resolve(options, config, padId.isPresent(),
                nativeTokenizer.numSpecialTokensToAdd(pairs), warnings);
        NativeTokenizer.Truncation truncation = plan.nativeTruncation();

        List<Encoding> rows = new ArrayList<>(texts.size());
        for (int row = 0; row < texts.size(); row++) {
            String text = texts.get(row);
            String pair = pairs ? textPairs.get(row) : null;
            if (text == null || (pairs && pair == null)) {
                throw new NullPointerException("text " + (text == null ? "" : "pair ") + "of row " + row + " is null");
            }
            Encoding encoding;
            try {
                encoding = nativeTokenizer.encode(text, pair, plan.addSpecialTokens(), truncation);
            } catch (IllegalArgumentException e) {
                throw texts.size() == 1 ? e : new IllegalArgumentException("row " + row + ": " + e.getMessage(), e);
            }
            warnIfLongerThanModel(encoding, plan);
            rows.add(encoding);
        }

        return Padding.pad(rows, plan, padId.orElse(0), padToken().orElse(null));
    }

    private void warnIfLongerThanModel(Encoding encoding, PaddingTruncationPlan plan) {
        if (plan.maxLength() == null && config.hasModelMaxLength() && encoding.length() > config.modelMaxLength()) {
            warnings.warn("sequence-longer-than-model", "a sequence of " + encoding.length() + " tokens is longer "
                    + "than model_max_length " + config.modelMaxLength() + "; running it through the model will "
                    + "fail or index out of range. Turn on truncation to cut sequences to that length");
        }
    }
}
