package dev.sparkformers.tokenization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** One tokenizer shared by many threads gives the same results as one thread. */
class ConcurrentEncodingTest {

    private static final int THREADS = 8;
    private static final int ROUNDS = 50;

    private static final List<String> TEXTS = List.of(
            "Hello world!",
            "The quick brown fox jumps over the lazy dog.",
            "Naïve café owners in Zürich charge 4.50 CHF for an espresso ☕ — 東京 is pricier.",
            "one two three four five six seven eight nine ten eleven twelve",
            "",
            "Paris is the [MASK] of France.",
            "word ".repeat(100));

    /** Options that exercise the untruncated path and three truncation settings, one created concurrently. */
    private static final List<EncodeOptions> OPTIONS = List.of(
            EncodeOptions.defaults(),
            EncodeOptions.builder().padding(PaddingStrategy.LONGEST).build(),
            EncodeOptions.builder().padding(PaddingStrategy.LONGEST).truncation(true).maxLength(8).build(),
            EncodeOptions.builder().padding(PaddingStrategy.MAX_LENGTH).truncation(true).maxLength(16)
                    .truncationSide(Side.LEFT).paddingSide(Side.LEFT).build(),
            EncodeOptions.builder().truncation(true).maxLength(24).build());

    @Test
    void concurrentEncodesMatchSequentialResults() throws Exception {
        try (PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(TokenizerFixtures.miniLm())) {
            List<BatchEncoding> expected = new ArrayList<>();
            Encoding[][] expectedSingles = new Encoding[OPTIONS.size()][TEXTS.size()];
            List<String> expectedDecoded = new ArrayList<>();
            try (PreTrainedTokenizer reference = AutoTokenizer.fromPretrained(TokenizerFixtures.miniLm())) {
                for (int index = 0; index < OPTIONS.size(); index++) {
                    expected.add(reference.batchEncode(TEXTS, OPTIONS.get(index)));
                    for (int row = 0; row < TEXTS.size(); row++) {
                        expectedSingles[index][row] = reference.encode(TEXTS.get(row), OPTIONS.get(index));
                    }
                }
                for (String text : TEXTS) {
                    expectedDecoded.add(reference.decode(reference.encode(text).inputIds(), true));
                }
            }

            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> results = new ArrayList<>();
            for (int thread = 0; thread < THREADS; thread++) {
                int offset = thread;
                Callable<Integer> task = () -> {
                    start.await();
                    int checks = 0;
                    for (int round = 0; round < ROUNDS; round++) {
                        int index = (round + offset) % OPTIONS.size();
                        BatchEncoding batch = tokenizer.batchEncode(TEXTS, OPTIONS.get(index));
                        assertEquals(expected.get(index).encodings(), batch.encodings(), "options " + index);
                        int row = (round + offset) % TEXTS.size();
                        Encoding single = tokenizer.encode(TEXTS.get(row), OPTIONS.get(index));
                        assertEquals(expectedSingles[index][row], single, "options " + index + ", row " + row);
                        String decoded = tokenizer.decode(tokenizer.encode(TEXTS.get(row)).inputIds(), true);
                        assertEquals(expectedDecoded.get(row), decoded, "decode of row " + row);
                        checks++;
                    }
                    return checks;
                };
                results.add(pool.submit(task));
            }
            start.countDown();

            int total = 0;
            for (Future<Integer> result : results) {
                total += result.get(2, TimeUnit.MINUTES);
            }
            pool.shutdown();
            assertEquals(THREADS * ROUNDS, total);
        }
    }

    @Test
    void closedTokenizerRejectsCalls() throws IOException {
        PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(TokenizerFixtures.miniLm());
        tokenizer.encode("warm up", EncodeOptions.builder().truncation(true).maxLength(3).build());
        tokenizer.close();
        tokenizer.close();

        IllegalStateException error = assertThrows(IllegalStateException.class, () -> tokenizer.encode("hello"));
        assertTrue(error.getMessage().contains("closed"), error.getMessage());
        assertThrows(IllegalStateException.class, () -> tokenizer.decode(new long[] {101}));
    }
}
