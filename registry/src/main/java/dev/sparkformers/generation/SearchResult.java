package dev.sparkformers.generation;

import java.util.List;

/**
 * Result of a decoding strategy in plain arrays, before it becomes a {@link GenerateOutput}.
 *
 * @param sequences {@code [rows][length]}
 * @param scores per step, the processed scores {@code [rows][vocab]}; null when not kept
 * @param logits per step, the raw logits {@code [rows][vocab]}; null when not kept
 * @param sequencesScores beam search only, else null
 * @param beamIndices beam search with kept scores only, else null
 */
record SearchResult(long[][] sequences, List<float[][]> scores, List<float[][]> logits, float[] sequencesScores,
        long[][] beamIndices) {}
