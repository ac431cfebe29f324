package dev.sparkformers.udfs.ml;

import dev.sparkformers.pipelines.SentenceEmbeddingPipeline;
import dev.sparkformers.udfs.EmbeddingColumns;
import dev.sparkformers.udfs.ModelHandles;
import dev.sparkformers.udfs.OutputColumns;

import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;

import java.util.List;
import java.util.Map;

/**
 * A Spark ML Transformer that adds sentence embeddings of a text column: an {@code array<float>}
 * column (default {@code embedding}) computed as the embed job computes it, with the checkpoint's
 * pooling and normalisation unless {@code pooling} or {@code normalize} is set. With
 * {@code chunkLongTexts}, a long text's embedding is the mean of its windows' embeddings.
 *
 * <pre>
 * TextEmbedder embedder = new TextEmbedder().setInputCol("text").setOutputCol("embedding");
 * PipelineModel model = new Pipeline().setStages(new PipelineStage[] {embedder}).fit(corpus);
 * model.write().overwrite().save(path);   // stores the model location, not its weights
 * </pre>
 */
public class TextEmbedder extends TextPipelineStage {

    private static final long serialVersionUID = 1L;

    private final Param<String> outputCol;
    private final Param<String> pooling;
    private final Param<String> normalize;

    public TextEmbedder() {
        this(Identifiable$.MODULE$.randomUID("textEmbedder"));
    }

    public TextEmbedder(String uid) {
        super(uid);
        this.outputCol = new Param<>(this, "outputCol", "column for the embeddings");
        this.pooling = new Param<>(this, "pooling", "mean, cls, max, mean_sqrt_len_tokens or lasttoken; empty for "
                + "the checkpoint's");
        this.normalize = new Param<>(this, "normalize", "true or false to L2-normalise; empty for the checkpoint's");
        setDefault(outputCol, "embedding");
        setDefault(pooling, "");
        setDefault(normalize, "");
    }

    /** Reads a saved stage: Spark ML's loaders call this method by reflection. */
    public static MLReader<TextEmbedder> read() {
        return new DefaultParamsReader<>();
    }

    /** Loads a stage saved with {@code save(path)}. */
    public static TextEmbedder load(String path) {
        return read().load(path);
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public Param<String> pooling() {
        return pooling;
    }

    public Param<String> normalize() {
        return normalize;
    }

    public TextEmbedder setInputCol(String value) {
        set(inputCol(), value);
        return this;
    }

    public TextEmbedder setOutputCol(String value) {
        set(outputCol, value);
        return this;
    }

    public TextEmbedder setModel(String value) {
        set(model(), value);
        return this;
    }

    public TextEmbedder setBatchTokens(int value) {
        set(batchTokens(), value);
        return this;
    }

    public TextEmbedder setMaxLength(int value) {
        set(maxLength(), value);
        return this;
    }

    public TextEmbedder setPooling(String value) {
        set(pooling, value);
        return this;
    }

    public TextEmbedder setNormalize(boolean value) {
        set(normalize, Boolean.toString(value));
        return this;
    }

    public TextEmbedder setChunkLongTexts(boolean value) {
        set(chunkLongTexts(), value);
        return this;
    }

    public TextEmbedder setChunkWindow(int value) {
        set(chunkWindow(), value);
        return this;
    }

    public TextEmbedder setChunkStride(int value) {
        set(chunkStride(), value);
        return this;
    }

    public TextEmbedder setErrorCol(String value) {
        set(errorCol(), value);
        return this;
    }

    public TextEmbedder setDevice(String value) {
        set(device(), value);
        return this;
    }

    /** Sets the weights' type: float32 (the default), float16 on GPU executors only, or auto. */
    public TextEmbedder setDtype(String value) {
        set(dtype(), value);
        return this;
    }

    @Override
    protected String task() {
        return SentenceEmbeddingPipeline.TASK;
    }

    @Override
    protected OutputColumns<?> outputColumns() {
        return new EmbeddingColumns(dimension());
    }

    @Override
    protected List<String> outputNames() {
        return List.of(getString(outputCol));
    }

    @Override
    protected Map<String, String> parameters() {
        Map<String, String> parameters = super.parameters();
        if (!getString(pooling).isEmpty()) {
            parameters.put("pooling", getString(pooling));
        }
        if (!getString(normalize).isEmpty()) {
            parameters.put("normalize", getString(normalize));
        }
        return parameters;
    }

    /** The embedding width, read from the checkpoint's config on the driver. */
    private int dimension() {
        return ModelHandles.hiddenSize(getString(model()),
                org.apache.spark.sql.SparkSession.active().sparkContext().hadoopConfiguration());
    }
}
