package dev.sparkformers.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.sparkformers.hub.BuiltinModels;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.pipelines.SentenceEmbeddingPipeline;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks that this JVM's numerical setup (for example MKL's Intel code paths forced on an AMD
 * processor) reproduces float32 reference embeddings of all-MiniLM-L6-v2 within 1e-5. Exits 0 when
 * it does, 1 when it does not. {@code bin/sparkformers} runs it before enabling a faster setting.
 */
public final class NumericsCheck {

    /** Largest difference accepted, the embedding parity tolerance. */
    static final double TOLERANCE = 1e-5;

    private NumericsCheck() {}

    public static void main(String[] arguments) throws Exception {
        double difference = maxDifference();
        System.out.printf("Embeddings differ from the float32 reference by at most %.3g (tolerance %.0e)%n",
                difference, TOLERANCE);
        System.exit(difference <= TOLERANCE ? 0 : 1);
    }

    /** Largest absolute difference between this JVM's embeddings and the reference. */
    static double maxDifference() throws Exception {
        JsonNode reference;
        try (InputStream in = NumericsCheck.class.getResourceAsStream("minilm-reference-embeddings.json")) {
            reference = new ObjectMapper().readTree(in);
        }
        List<String> texts = new ArrayList<>();
        reference.get("texts").forEach(text -> texts.add(text.asText()));
        try (SentenceEmbeddingPipeline pipeline = SentenceEmbeddingPipeline.fromPretrained(
                BuiltinModels.defaultEmbeddingModel(), LoadOptions.defaults())) {
            List<float[]> embeddings = pipeline.call(texts, Map.of());
            double max = 0;
            for (int row = 0; row < texts.size(); row++) {
                JsonNode expected = reference.get("sentence_embedding").get(row);
                for (int h = 0; h < expected.size(); h++) {
                    max = Math.max(max, Math.abs(embeddings.get(row)[h] - expected.get(h).floatValue()));
                }
            }
            return max;
        }
    }
}
