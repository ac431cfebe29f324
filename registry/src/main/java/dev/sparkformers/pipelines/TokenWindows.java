package dev.sparkformers.pipelines;

import dev.sparkformers.tokenization.EncodeOptions;
import dev.sparkformers.tokenization.Encoding;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Sliding windows over a long encoding, the way HuggingFace tokenizers cut overflowing tokens
 * with {@code truncation=True, max_length=window, stride=stride, return_overflowing_tokens=True}.
 *
 * <p>Each window has at most {@code window} tokens, special tokens included. It repeats the
 * special tokens that the tokenizer's template put before and after the text ({@code [CLS]} and
 * {@code [SEP]} for BERT, none for GPT-2) around a run of the text's content tokens. That run contains
 * at most {@code window} minus the number of special tokens. {@code stride} follows HuggingFace's
 * definition: it is the number of content tokens that consecutive windows share, so each window
 * starts {@code content - stride} tokens after the previous one. The last window is the first
 * one that reaches the end of the text, and it may be shorter. HuggingFace tokenizers require
 * {@code stride < content}, and so does this class.
 *
 * <p>The pipelines that chunk long texts ({@code sentence-embedding}, {@code text-classification},
 * {@code embedding-classification}) read their windows from the call parameters
 * {@value #CHUNK_LONG_TEXTS}, {@value #CHUNK_WINDOW} and {@value #CHUNK_STRIDE} with
 * {@link #fromParameters}, and run the model on every window of a batch in one call with
 * {@link #forward}.
 *
 * @param window tokens per window, special tokens included
 * @param stride content tokens shared by consecutive windows
 */
public record TokenWindows(int window, int stride) {

    /** Parameter that processes long texts in windows instead of truncating them. */
    public static final String CHUNK_LONG_TEXTS = "chunk_long_texts";

    /** Parameter with the tokens per window, special tokens included; by default {@code max_length}. */
    public static final String CHUNK_WINDOW = "chunk_window";

    /** Parameter with the content tokens shared by consecutive windows; by default 0. */
    public static final String CHUNK_STRIDE = "chunk_stride";

    /** The parameter names, for a pipeline's list of known parameters. */
    public static final List<String> PARAMETERS = List.of(CHUNK_LONG_TEXTS, CHUNK_WINDOW, CHUNK_STRIDE);

    /** Preprocess and forward parameter with the windows of a call that chunks long texts. */
    static final String STAGE_PARAMETER = "windows";

    /**
     * Encoding options that keep a whole text for {@link #split}. The maxLength only marks the
     * long input as intended, because truncation is off.
     */
    static final EncodeOptions WHOLE_TEXT = EncodeOptions.builder().truncation(false).maxLength(Integer.MAX_VALUE)
            .build();

    /**
     * Checks the sizes that do not depend on an encoding.
     *
     * @throws IllegalArgumentException unless {@code window >= 1} and {@code 0 <= stride < window}
     */
    public TokenWindows {
        if (window < 1) {
            throw new IllegalArgumentException(CHUNK_WINDOW + " must be positive, but is " + window);
        }
        if (stride < 0) {
            throw new IllegalArgumentException(CHUNK_STRIDE + " must not be negative, but is " + stride);
        }
        if (stride >= window) {
            throw new IllegalArgumentException(CHUNK_STRIDE + " " + stride + " must be smaller than " + CHUNK_WINDOW
                    + " " + window + "; use a smaller stride or a larger window");
        }
    }

    /**
     * Reads the windowing parameters of a call. {@value #CHUNK_WINDOW} defaults to
     * {@code maxLength} and must not exceed it, and {@value #CHUNK_STRIDE} defaults to 0.
     *
     * @param maxLength the call's {@code max_length}, or the model's when the call sets none
     * @return the windows, or null when {@value #CHUNK_LONG_TEXTS} is absent or false
     * @throws IllegalArgumentException for invalid sizes, and for a window or stride given
     *     without {@value #CHUNK_LONG_TEXTS}
     */
    public static TokenWindows fromParameters(Map<String, ?> parameters, int maxLength) {
        Boolean chunk = Pipeline.booleanParameter(parameters, CHUNK_LONG_TEXTS);
        Integer window = Pipeline.intParameter(parameters, CHUNK_WINDOW);
        Integer stride = Pipeline.intParameter(parameters, CHUNK_STRIDE);
        if (chunk == null || !chunk) {
            if (window != null || stride != null) {
                throw new IllegalArgumentException(CHUNK_WINDOW + " and " + CHUNK_STRIDE + " apply only with "
                        + CHUNK_LONG_TEXTS + "=true, but " + CHUNK_LONG_TEXTS + " is "
                        + (chunk == null ? "not set" : "false") + "; set it to true or remove them");
            }
            return null;
        }

        int size = window != null ? window : maxLength;
        if (size > maxLength) {
            throw new IllegalArgumentException(CHUNK_WINDOW + " " + size + " exceeds max_length " + maxLength
                    + ", the longest input the model is given; use a window of at most " + maxLength + " tokens");
        }
        return new TokenWindows(size, stride != null ? stride : 0);
    }

    /**
     * Cuts {@code encoding} into windows. An encoding of at most {@link #window} tokens is
     * returned alone and unchanged; every window of a longer one has {@code truncated} false and
     * the window's own length as its length before truncation.
     *
     * @throws IllegalArgumentException when the special tokens leave no room for content tokens,
     *     or for at least {@code stride + 1} of them
     */
    public List<Encoding> split(Encoding encoding) {
        int length = encoding.length();
        if (length <= window) {
            return List.of(encoding);
        }

        // The special tokens that the template put around the text: a run at each end.
        long[] special = encoding.specialTokensMask();
        int leading = 0;
        while (leading < length && special[leading] == 1) {
            leading++;
        }
        int trailing = 0;
        while (trailing < length - leading && special[length - 1 - trailing] == 1) {
            trailing++;
        }
        int content = window - leading - trailing;
        if (content < 1) {
            throw new IllegalArgumentException(CHUNK_WINDOW + " " + window + " leaves no room for content tokens "
                    + "beside the " + (leading + trailing) + " special tokens; use a larger window");
        }
        if (stride >= content) {
            throw new IllegalArgumentException(CHUNK_STRIDE + " " + stride + " must be smaller than the " + content
                    + " content tokens of a window (" + CHUNK_WINDOW + " " + window + " minus " + (leading + trailing)
                    + " special tokens); use a smaller stride or a larger window");
        }

        // HuggingFace's rule: advance by content - stride and stop at the first window that
        // reaches the end, so the last window is never a suffix of the one before it.
        int end = length - trailing;
        int step = content - stride;
        List<Encoding> windows = new ArrayList<>();
        for (int start = leading; ; start += step) {
            int stop = Math.min(start + content, end);
            windows.add(select(encoding, leading, start, stop, trailing));
            if (stop == end) {
                return windows;
            }
        }
    }

    /**
     * Runs {@code forward} once on every window of every encoding of {@code batch} and combines
     * each row's window results with {@code aggregate}. A row of one window gets that window's
     * result unchanged, so a text that fits gets exactly its result without windows.
     *
     * @return one result per encoding of {@code batch}, in order
     */
    public <R> List<R> forward(List<Encoding> batch, Function<List<Encoding>, List<R>> forward,
            Function<List<R>, R> aggregate) {
        List<Encoding> windows = new ArrayList<>();
        int[] windowCounts = new int[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            List<Encoding> rowWindows = split(batch.get(i));
            windowCounts[i] = rowWindows.size();
            windows.addAll(rowWindows);
        }

        List<R> windowResults = forward.apply(windows);
        List<R> results = new ArrayList<>(batch.size());
        int next = 0;
        for (int count : windowCounts) {
            List<R> rowResults = windowResults.subList(next, next + count);
            next += count;
            results.add(count == 1 ? rowResults.get(0) : aggregate.apply(rowResults));
        }
        return results;
    }

    /** Selects the leading special tokens, the content tokens {@code [start, stop)} and the trailing special tokens. */
    private static Encoding select(Encoding encoding, int leading, int start, int stop, int trailing) {
        int length = encoding.length();
        int[] positions = new int[leading + (stop - start) + trailing];
        int next = 0;
        for (int i = 0; i < leading; i++) {
            positions[next++] = i;
        }
        for (int i = start; i < stop; i++) {
            positions[next++] = i;
        }
        for (int i = length - trailing; i < length; i++) {
            positions[next++] = i;
        }

        long[] ids = new long[positions.length];
        long[] types = new long[positions.length];
        long[] mask = new long[positions.length];
        long[] special = new long[positions.length];
        String[] tokens = new String[positions.length];
        for (int i = 0; i < positions.length; i++) {
            int position = positions[i];
            ids[i] = encoding.inputIds()[position];
            types[i] = encoding.tokenTypeIds()[position];
            mask[i] = encoding.attentionMask()[position];
            special[i] = encoding.specialTokensMask()[position];
            tokens[i] = encoding.tokens()[position];
        }
        return new Encoding(ids, types, mask, special, tokens, positions.length, false);
    }
}
