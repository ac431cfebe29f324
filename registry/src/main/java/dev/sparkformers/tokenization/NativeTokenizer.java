package dev.sparkformers.tokenization;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.sparkformers.runtime.DjlRuntime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * DJL's binding of the HF tokenizers native library, set up so that no call ever changes native
 * state.
 *
 * <p>DJL 0.36 configures a native tokenizer once, when it creates it. Unless configured otherwise,
 * it truncates with {@code LONGEST_FIRST} at the {@code max_length} of the file's truncation block
 * (or at 512) and pads batches to the longest row, and its setters change the shared native
 * object. transformers instead sets truncation and padding for every call. So every call first
 * uses one native tokenizer with truncation and padding off. Each truncation setting (maximum
 * length, strategy, side) gets one more native tokenizer, created on first use with the setting
 * written into its JSON and never changed afterwards. Padding is done in Java.
 *
 * <p>Thread safety: encode and decode only read the native tokenizers. The Rust tokenizer is
 * {@code Sync}, and its own {@code encode_batch} runs encodes on one tokenizer in parallel. A
 * read-write lock keeps {@link #close()} from freeing native memory while a call is running.
 *
 * <p>NOTE: DJL's JNI layer gives every call a mutable Rust reference to the same native object.
 * Encode and decode do not write through it, and a test runs concurrent encodes, but Rust does
 * not guarantee this aliasing.
 */
final class NativeTokenizer implements AutoCloseable {

    static {
        DjlRuntime.ensureOffline();
    }

    /**
     * Most truncation settings kept with their own native tokenizer. A job normally uses one.
     * Past this bound, each call with a new setting creates a native tokenizer and frees it after
     * the call.
     */
    static final int MAX_CACHED_TRUNCATION_SETTINGS = 16;

    private static final Logger LOG = LoggerFactory.getLogger(NativeTokenizer.class);

    /** DJL options that turn off DJL's default truncation and padding. */
    private static final Map<String, String> NO_TRUNCATION_NO_PADDING = Map.of(
            "truncation", "false",
            "padding", "false");

    /**
     * A truncation setting of the native library.
     *
     * @param maxLength maximum length in tokens, special tokens included
     * @param strategy which text of a pair loses tokens; never {@code DO_NOT_TRUNCATE}
     * @param side the end that loses tokens
     */
    record Truncation(int maxLength, TruncationStrategy strategy, Side side) {
        Truncation {
            Objects.requireNonNull(strategy, "strategy");
            Objects.requireNonNull(side, "side");
            if (strategy == TruncationStrategy.DO_NOT_TRUNCATE || maxLength <= 0) {
                throw new IllegalArgumentException("invalid truncation setting: " + strategy + " at " + maxLength);
            }
        }
    }

    private final String location;
    private final String json;
    private final HuggingFaceTokenizer untruncated;
    private final Map<Truncation, HuggingFaceTokenizer> truncating = new ConcurrentHashMap<>();
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final AtomicBoolean cacheFullLogged = new AtomicBoolean();
    private final int specialTokensSingle;
    private final int specialTokensPair;
    private boolean closed;

    private NativeTokenizer(String location, String json, HuggingFaceTokenizer untruncated) {
        this.location = location;
        this.json = json;
        this.untruncated = untruncated;

        // An empty text yields no tokens, so what remains is what the post-processor adds.
        this.specialTokensSingle = untruncated.encode("", true, false).getIds().length;
        this.specialTokensPair = untruncated.encode("", "", true, false).getIds().length;
    }

    /**
     * Creates the native tokenizer from prepared {@code tokenizer.json} text.
     *
     * @param location the file the JSON came from, named in error messages
     * @throws InvalidTokenizerException if the native library rejects the JSON
     */
    static NativeTokenizer create(String location, String json) throws InvalidTokenizerException {
        HuggingFaceTokenizer untruncated = newNative(location, json, NO_TRUNCATION_NO_PADDING);
        try {
            return new NativeTokenizer(location, json, untruncated);
        } catch (RuntimeException e) {
            untruncated.close();
            throw new InvalidTokenizerException(location, "failed to encode an empty text with the native "
                    + "tokenizer: " + e.getMessage(), e);
        }
    }

    /** Returns the number of special tokens the post-processor adds to a single text or to a pair. */
    int numSpecialTokensToAdd(boolean pair) {
        return pair ? specialTokensPair : specialTokensSingle;
    }

    /**
     * Encodes one text or pair without padding.
     *
     * <p>The text is first encoded without truncation, which gives the length before truncation.
     * Only when that length exceeds {@code truncation.maxLength()} is it encoded again by the
     * native tokenizer for that setting, so that the native library does the truncation exactly
     * as transformers' does.
     *
     * @param pair the second text, or null
     * @param truncation the truncation setting, or null for none
     * @throws IllegalArgumentException if a text contains an unpaired surrogate or the native
     *     library fails, for example because {@code ONLY_SECOND} was requested for a single text
     */
    Encoding encode(String text, String pair, boolean addSpecialTokens, Truncation truncation) {
        checkText(text, "text");
        if (pair != null) {
            checkText(pair, "text pair");
        }

        lock.readLock().lock();
        try {
            checkOpen();
            Encoding full = encodeWith(untruncated, text, pair, addSpecialTokens, 0, false);
            if (truncation == null || full.length() <= truncation.maxLength()) {
                return full;
            }

            HuggingFaceTokenizer cached = truncating.get(truncation);
            if (cached != null) {
                return encodeWith(cached, text, pair, addSpecialTokens, full.length(), true);
            }
            return encodeTruncatedUncached(text, pair, addSpecialTokens, truncation, full.length());
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Decodes ids with the native decoder.
     *
     * @param ids token ids between 0 and 2^32 - 1; ids that no token has are skipped, as in the
     *     native library
     */
    String decode(long[] ids, boolean skipSpecialTokens) {
        lock.readLock().lock();
        try {
            checkOpen();
            return untruncated.decode(ids, skipSpecialTokens);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Frees every native tokenizer after running calls finish. Later calls fail. */
    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            untruncated.close();
            truncating.values().forEach(HuggingFaceTokenizer::close);
            truncating.clear();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private Encoding encodeTruncatedUncached(String text, String pair, boolean addSpecialTokens,
            Truncation truncation, int lengthBeforeTruncation) {
        HuggingFaceTokenizer tokenizer;
        boolean temporary = false;
        synchronized (truncating) {
            tokenizer = truncating.get(truncation);
            if (tokenizer == null) {
                tokenizer = newTruncating(truncation);
                if (truncating.size() < MAX_CACHED_TRUNCATION_SETTINGS) {
                    truncating.put(truncation, tokenizer);
                } else {
                    temporary = true;
                }
            }
        }
        if (!temporary) {
            return encodeWith(tokenizer, text, pair, addSpecialTokens, lengthBeforeTruncation, true);
        }

        if (cacheFullLogged.compareAndSet(false, true)) {
            LOG.warn("{}: more than {} truncation settings (maxLength, strategy, side) are in use; each further "
                    + "call with a new setting creates and frees a native tokenizer, which is slow",
                    location, MAX_CACHED_TRUNCATION_SETTINGS);
        }
        try {
            return encodeWith(tokenizer, text, pair, addSpecialTokens, lengthBeforeTruncation, true);
        } finally {
            tokenizer.close();
        }
    }

    private HuggingFaceTokenizer newTruncating(Truncation truncation) {
        // The native library keeps the direction of a truncation block read from JSON, but DJL's
        // setter would reset it to "Right", so the whole setting goes into the JSON. DJL applies
        // its options on creation, so they repeat the setting and lift DJL's model-length cap.
        ObjectNode root;
        String truncatedJson;
        try {
            root = (ObjectNode) TokenizerFiles.JSON.readTree(json);
            ObjectNode block = root.putObject("truncation");
            block.put("direction", truncation.side() == Side.LEFT ? "Left" : "Right");
            block.put("max_length", truncation.maxLength());
            block.put("strategy", nativeStrategyName(truncation.strategy()));
            block.put("stride", 0);
            truncatedJson = TokenizerFiles.JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(location + ": prepared tokenizer JSON could not be re-read", e);
        }

        Map<String, String> options = Map.of(
                "truncation", truncation.strategy().name(),
                "maxLength", Integer.toString(truncation.maxLength()),
                "modelMaxLength", Integer.toString(Integer.MAX_VALUE),
                "padding", "false");
        try {
            HuggingFaceTokenizer tokenizer = newNative(location, truncatedJson, options);
            LOG.debug("{}: created a native tokenizer for truncation {}", location, truncation);
            return tokenizer;
        } catch (InvalidTokenizerException e) {
            // The same JSON without the truncation block loaded, so this is not a file problem.
            throw new IllegalStateException(location + ": failed to create a native tokenizer for truncation "
                    + truncation + ": " + e.getMessage(), e);
        }
    }

    private Encoding encodeWith(HuggingFaceTokenizer tokenizer, String text, String pair, boolean addSpecialTokens,
            int lengthBeforeTruncation, boolean truncated) {
        ai.djl.huggingface.tokenizers.Encoding encoding;
        try {
            encoding = pair == null
                    ? tokenizer.encode(text, addSpecialTokens, false)
                    : tokenizer.encode(text, pair, addSpecialTokens, false);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(location + ": the native tokenizer failed to encode a text of "
                    + text.length() + " characters" + (pair == null ? "" : " with a pair of " + pair.length())
                    + ": " + e.getMessage(), e);
        }

        long[] ids = encoding.getIds();
        return new Encoding(ids, encoding.getTypeIds(), encoding.getAttentionMask(), encoding.getSpecialTokenMask(),
                encoding.getTokens(), truncated ? lengthBeforeTruncation : ids.length, truncated);
    }

    private static HuggingFaceTokenizer newNative(String location, String json, Map<String, String> options)
            throws InvalidTokenizerException {
        try (InputStream in = new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))) {
            return HuggingFaceTokenizer.newInstance(in, options);
        } catch (IOException e) {
            throw new InvalidTokenizerException(location, "could not be passed to the native tokenizer ("
                    + e.getMessage() + ")", e);
        } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
            throw new IllegalStateException("The HF tokenizers native library of DJL failed to load. Check that "
                    + "ai.djl.huggingface:tokenizers is on the classpath and that DJL's cache directory is "
                    + "writable; ai.djl.offline=true keeps DJL from downloading it.", e);
        } catch (RuntimeException e) {
            throw new InvalidTokenizerException(location, "was rejected by the HF tokenizers native library: "
                    + e.getMessage() + ". DJL 0.36 bundles HF tokenizers 0.21, so a file that needs a newer "
                    + "version fails here", e);
        }
    }

    private static String nativeStrategyName(TruncationStrategy strategy) {
        switch (strategy) {
            case LONGEST_FIRST:
                return "LongestFirst";
            case ONLY_FIRST:
                return "OnlyFirst";
            case ONLY_SECOND:
                return "OnlySecond";
            default:
                throw new IllegalArgumentException("no native truncation strategy for " + strategy);
        }
    }

    /**
     * Rejects text with an unpaired UTF-16 surrogate. transformers raises for such text because
     * Python cannot encode it as UTF-8, while the JNI layer would replace it without notice.
     */
    private static void checkText(String text, String role) {
        Objects.requireNonNull(text, role);
        for (int index = 0; index < text.length(); index++) {
            char c = text.charAt(index);
            if (Character.isHighSurrogate(c) && index + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(index + 1))) {
                index++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(role + " contains an unpaired UTF-16 surrogate U+"
                        + Integer.toHexString(c).toUpperCase(Locale.ROOT) + " at index " + index
                        + ", which is not valid Unicode text; repair or drop the text before tokenizing");
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(location + ": the tokenizer is closed");
        }
    }

    /** Returns the truncation settings that have their own native tokenizer, for tests. */
    List<Truncation> cachedTruncations() {
        return new ArrayList<>(truncating.keySet());
    }
}
