package dev.sparkformers.jobs;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What a job run did, logged at the end and written beside its output as
 * {@value #FILE_NAME}.
 *
 * @param job job name, for example {@code embed}
 * @param output output location
 * @param model model location
 * @param modelSha256 fingerprint of the model's files
 * @param rowsIn input rows
 * @param rows output rows (always equal to {@code rowsIn}; the job fails otherwise)
 * @param errors rows with an error value
 * @param truncated rows whose input was truncated
 * @param tokens tokens the model read, after truncation
 * @param inputTokens tokens of the inputs before truncation
 * @param paddedTokens tokens of the model calls including padding
 * @param seconds wall time of the run
 */
public record JobSummary(
        @JsonProperty("job") String job,
        @JsonProperty("output") String output,
        @JsonProperty("model") String model,
        @JsonProperty("model_sha256") String modelSha256,
        @JsonProperty("rows_in") long rowsIn,
        @JsonProperty("rows") long rows,
        @JsonProperty("errors") long errors,
        @JsonProperty("truncated") long truncated,
        @JsonProperty("tokens") long tokens,
        @JsonProperty("input_tokens") long inputTokens,
        @JsonProperty("padded_tokens") long paddedTokens,
        @JsonProperty("seconds") double seconds) {

    /** Name of the summary file inside the output directory; Spark readers skip names starting with {@code _}. */
    public static final String FILE_NAME = "_sparkformers_summary.json";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Tokens the model read per second of wall time. */
    @JsonProperty("tokens_per_second")
    public double tokensPerSecond() {
        return seconds > 0 ? Math.round(tokens / seconds * 10) / 10.0 : 0;
    }

    /** The summary as indented JSON. */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
