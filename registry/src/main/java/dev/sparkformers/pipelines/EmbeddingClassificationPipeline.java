package dev.sparkformers.pipelines;

import dev.sparkformers.tokenization.Encoding;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Classification by nearest centroid with a sentence-embedding model and no trained head. Each
 * label of a {@link LabelSet} is defined by texts; its centroid is the mean of their L2-normalised
 * embeddings. A text's scores are the cosine similarities between its embedding and each centroid,
 * and its label is the most similar one, or the label set's unknown label when the best score is
 * below the threshold.
 *
 * <p>Parameters: {@code max_length}, {@code top_k} (as in {@link TextClassificationPipeline}),
 * {@code threshold} (replaces the label set's), and {@code chunk_long_texts}, {@code chunk_window},
 * {@code chunk_stride} and {@code chunk_aggregation}. Embeddings use the checkpoint's pooling. The
 * raw result of a row is its scores in label order.
 *
 * <p>With {@code chunk_long_texts=true}, a text longer than the window is cut into windows (see
 * {@link TokenWindows}) and each window's cosine similarities to the centroids are computed as
 * for a text of its own. The text's scores combine the windows' scores label by label by
 * {@code chunk_aggregation} ({@code mean}, the default, or {@code max}; see
 * {@link ChunkAggregation}), and the label and threshold apply to the combined scores.
 */
public class EmbeddingClassificationPipeline extends Pipeline<String, float[], Classification> {

    /** Task name. */
    public static final String TASK = "embedding-classification";

    /** Setting with the text of a labels file (YAML or JSON). */
    public static final String LABELS_SETTING = "labels";

    /** Setting with the path of a local labels file. */
    public static final String LABELS_FILE_SETTING = "labels_file";

    private static final List<String> PARAMETERS = List.of("max_length", TopK.PARAMETER, "threshold",
            TokenWindows.CHUNK_LONG_TEXTS, TokenWindows.CHUNK_WINDOW, TokenWindows.CHUNK_STRIDE,
            ChunkAggregation.PARAMETER);

    private final SentenceEmbeddingPipeline embedder;
    private final LabelSet labels;
    private final List<String> names;
    private final float[][] centroids;

    /**
     * Embeds the texts of every label and keeps their centroids.
     *
     * @throws PipelineException if a label text cannot be embedded
     */
    public EmbeddingClassificationPipeline(SentenceEmbeddingPipeline embedder, LabelSet labels) {
        super(embedder.model(), embedder.tokenizer());
        this.embedder = embedder;
        this.labels = labels;
        this.names = labels.names();
        this.centroids = new float[names.size()][];
        for (int i = 0; i < names.size(); i++) {
            List<float[]> embeddings = embedder.call(labels.labels().get(names.get(i)), Map.of());
            double[] sum = new double[embeddings.get(0).length];
            for (float[] embedding : embeddings) {
                float[] unit = unit(embedding);
                for (int d = 0; d < sum.length; d++) {
                    sum[d] += unit[d];
                }
            }
            float[] mean = new float[sum.length];
            for (int d = 0; d < sum.length; d++) {
                mean[d] = (float) (sum[d] / embeddings.size());
            }
            centroids[i] = unit(mean);
        }
    }

    @Override
    public String task() {
        return TASK;
    }

    /** The labels and their texts. */
    public LabelSet labelSet() {
        return labels;
    }

    /** The embedding pipeline that embeds the inputs and the label texts. */
    public SentenceEmbeddingPipeline embedder() {
        return embedder;
    }

    @Override
    public StageParameters sanitizeParameters(Map<String, ?> parameters) {
        requireKnown(parameters, PARAMETERS, TASK);
        Map<String, Object> embeddingParameters = new HashMap<>();
        if (parameters.get("max_length") != null) {
            embeddingParameters.put("max_length", parameters.get("max_length"));
        }
        StageParameters embedding = embedder.sanitizeParameters(embeddingParameters);

        // The windows are combined as scores here, not as embeddings in the embedder.
        Integer length = (Integer) embedding.preprocess().get("max_length");
        TokenWindows windows = TokenWindows.fromParameters(parameters, length != null ? length : embedder.maxLength());
        ChunkAggregation aggregation = ChunkAggregation.fromParameters(parameters, windows);
        Map<String, Object> preprocess = new HashMap<>(embedding.preprocess());
        Map<String, Object> forward = new HashMap<>(embedding.forward());
        if (windows != null) {
            preprocess.put(TokenWindows.STAGE_PARAMETER, windows);
            forward.put(TokenWindows.STAGE_PARAMETER, windows);
            forward.put(ChunkAggregation.PARAMETER, aggregation);
        }

        Map<String, Object> postprocess = new HashMap<>();
        postprocess.put(TopK.PARAMETER, TopK.fromParameters(parameters));
        Double threshold = doubleParameter(parameters, "threshold");
        if (threshold != null) {
            postprocess.put("threshold", threshold);
        }
        return new StageParameters(preprocess, forward, postprocess);
    }

    @Override
    public Encoding preprocess(String text, Map<String, Object> parameters) {
        return embedder.preprocess(text, parameters);
    }

    @Override
    public List<float[]> forward(List<Encoding> batch, Map<String, Object> parameters) {
        TokenWindows windows = (TokenWindows) parameters.get(TokenWindows.STAGE_PARAMETER);
        if (windows == null) {
            return scores(embedder.forward(batch, parameters));
        }
        Map<String, Object> embedding = new HashMap<>(parameters);
        embedding.remove(TokenWindows.STAGE_PARAMETER);
        ChunkAggregation aggregation = (ChunkAggregation) embedding.remove(ChunkAggregation.PARAMETER);
        return windows.forward(batch, chunks -> scores(embedder.forward(chunks, embedding)), aggregation::apply);
    }

    /** Computes the cosine similarities of each embedding to the centroids, in label order. */
    private List<float[]> scores(List<float[]> embeddings) {
        List<float[]> rows = new ArrayList<>(embeddings.size());
        for (float[] embedding : embeddings) {
            float[] unit = unit(embedding);
            float[] scores = new float[centroids.length];
            for (int i = 0; i < centroids.length; i++) {
                double dot = 0;
                for (int d = 0; d < unit.length; d++) {
                    dot += (double) unit[d] * centroids[i][d];
                }
                scores[i] = (float) dot;
            }
            rows.add(scores);
        }
        return rows;
    }

    @Override
    public Classification postprocess(float[] scores, Encoding input, Map<String, Object> parameters) {
        TopK topK = (TopK) parameters.getOrDefault(TopK.PARAMETER, TopK.LEGACY_BEST);
        Classification nearest = TextClassificationPipeline.classification(names, scores, topK);

        Double threshold = (Double) parameters.getOrDefault("threshold", labels.threshold());
        if (threshold != null && nearest.score() < threshold) {
            return new Classification(labels.unknownLabel(), nearest.score(), nearest.predictions(), nearest.scores());
        }
        return nearest;
    }

    /** {@code vector} divided by its L2 norm (at least 1e-12, as in {@link Pooling#normalize}). */
    private static float[] unit(float[] vector) {
        double norm = 0;
        for (float value : vector) {
            norm += (double) value * value;
        }
        float divisor = (float) Math.max(Math.sqrt(norm), 1e-12);
        float[] unit = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            unit[i] = vector[i] / divisor;
        }
        return unit;
    }

    /**
     * Builds the pipeline from a sentence-embedding checkpoint and the labels in the
     * {@value #LABELS_SETTING} setting (the text of a labels file) or the
     * {@value #LABELS_FILE_SETTING} setting (a local path).
     */
    public static final class Factory implements PipelineFactory {

        @Override
        public String task() {
            return TASK;
        }

        @Override
        public Pipeline<?, ?, ?> create(Path directory, PipelineOptions options) throws IOException {
            LabelSet labels;
            if (options.setting(LABELS_SETTING) != null) {
                labels = LabelSet.parse(options.setting(LABELS_SETTING), "setting '" + LABELS_SETTING + "'", false);
            } else if (options.setting(LABELS_FILE_SETTING) != null) {
                labels = LabelSet.read(Path.of(options.setting(LABELS_FILE_SETTING)));
            } else {
                throw new IllegalArgumentException(TASK + " needs labels: set '" + LABELS_SETTING + "' to the text of "
                        + "a labels file or '" + LABELS_FILE_SETTING + "' to its path");
            }
            SentenceEmbeddingPipeline embedder = SentenceEmbeddingPipeline.fromPretrained(directory, options.load());
            try {
                return new EmbeddingClassificationPipeline(embedder, labels);
            } catch (RuntimeException e) {
                embedder.close();
                throw e;
            }
        }
    }

    /** Label names in file order. */
    public List<String> labels() {
        return new ArrayList<>(names);
    }
}
