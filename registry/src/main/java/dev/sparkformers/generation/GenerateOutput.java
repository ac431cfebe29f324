package dev.sparkformers.generation;

import ai.djl.ndarray.NDArray;

import dev.sparkformers.modeling.ModelOutput;

import java.util.List;

/**
 * Result of {@link CausalLanguageModel#generate}, HuggingFace's {@code GenerateDecoderOnlyOutput}
 * and {@code GenerateBeamDecoderOnlyOutput} in one record. Fields other than {@code sequences}
 * are present only when {@code return_dict_in_generate} and the matching flag ask for them.
 *
 * @param sequences int64 {@code [batch * num_return_sequences, length]}: each prompt, padding
 *     included, followed by its new tokens; rows that finished early are filled with {@code pad_token_id}
 * @param sequencesScores beam search only: float32 {@code [batch * num_return_sequences]}, each
 *     returned sequence's summed log-probability divided by {@code new_tokens^length_penalty}
 * @param scores with {@code output_scores}: per step, the processed scores {@code [batch * num_beams, vocab]}
 *     the token was chosen from (for beam search, log-softmax per beam, without the beam's running score)
 * @param logits with {@code output_logits}: per step, the model's raw next-token logits
 *     {@code [batch * num_beams, vocab]}
 * @param beamIndices beam search with {@code output_scores} only: int64
 *     {@code [batch * num_return_sequences, length]}, for every step the row of the beam each returned
 *     token came from, then -1
 */
public record GenerateOutput(NDArray sequences, NDArray sequencesScores, List<NDArray> scores, List<NDArray> logits,
        NDArray beamIndices) implements ModelOutput {}
