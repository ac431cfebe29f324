package dev.sparkformers.udfs;

import dev.sparkformers.pipelines.Classification;
import dev.sparkformers.pipelines.EmbeddingClassificationPipeline;
import dev.sparkformers.pipelines.Pipeline;
import dev.sparkformers.pipelines.SentenceEmbeddingPipeline;
import dev.sparkformers.pipelines.TextClassificationPipeline;

import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * SQL functions over Sparkformers pipelines, registered by one call:
 *
 * <pre>
 * Sparkformers.registerFunctions(spark, Sparkformers.FunctionSettings.defaults()
 *         .withClassifier(null, labelsYaml));
 * spark.sql("SELECT id, embed(text) AS embedding, classify(text).label FROM corpus");
 * </pre>
 *
 * <p>{@code embed(text)} returns {@code array<float>}; {@code classify(text)} returns
 * {@code struct<label: string, score: float, scores: map<string,float>>} with every label's score.
 * Each call runs the model on one text: Spark calls Java functions row by row, so there is no
 * batching (the jobs and the Spark ML stages batch). Models come from the executors' shared
 * {@link ExecutorModelCache}, loaded once per executor. A null text gives null; a text that fails
 * fails the query with the reason.
 */
public final class Sparkformers {

    /** Name of the embedding function. */
    public static final String EMBED = "embed";

    /** Name of the classification function. */
    public static final String CLASSIFY = "classify";

    private Sparkformers() {}

    /**
     * What the functions run.
     *
     * @param embeddingModel the checkpoint of {@code embed}
     * @param classificationModel the checkpoint of {@code classify}: a sequence-classification
     *     model, or, with {@code labels}, a sentence-embedding model; null for {@code embeddingModel}
     * @param labels the text of a labels file (YAML or JSON) for an embedding classifier, or null
     *     to use the classification model's own head; {@code classify} is registered only when a
     *     classification model or labels are given
     * @param device {@code auto}, {@code cpu} or {@code gpu}
     */
    public record FunctionSettings(String embeddingModel, String classificationModel, String labels, String device) {

        public FunctionSettings {
            Objects.requireNonNull(embeddingModel, "embeddingModel is null");
            Objects.requireNonNull(device, "device is null");
        }

        /** The built-in embedding model on any device, without {@code classify}. */
        public static FunctionSettings defaults() {
            return new FunctionSettings(ModelLocations.DEFAULT_EMBEDDING_MODEL, null, null, "auto");
        }

        /** These settings with {@code classify} on a model head, or on labels with the embedding model. */
        public FunctionSettings withClassifier(String model, String labelsText) {
            return new FunctionSettings(embeddingModel, model, labelsText, device);
        }

        /** These settings with another embedding model. */
        public FunctionSettings withEmbeddingModel(String model) {
            return new FunctionSettings(model, classificationModel, labels, device);
        }
    }

    /** Registers {@code embed}, and {@code classify} when the settings give a classifier. */
    public static void registerFunctions(SparkSession spark, FunctionSettings settings) {
        var conf = spark.sparkContext().hadoopConfiguration();
        Map<String, String> base = Map.of(TaskDevices.DEVICE_SETTING, settings.device());

        ModelHandle embedding = ModelHandles.resolve(settings.embeddingModel(), SentenceEmbeddingPipeline.TASK, base,
                conf);
        spark.udf().register(EMBED, new PipelineFunction(embedding, Map.of()),
                DataTypes.createArrayType(DataTypes.FloatType, false));

        if (settings.classificationModel() == null && settings.labels() == null) {
            return;
        }
        String model = settings.classificationModel() != null ? settings.classificationModel()
                : settings.embeddingModel();
        Map<String, String> classifier = new HashMap<>(base);
        String task = TextClassificationPipeline.TASK;
        if (settings.labels() != null) {
            task = EmbeddingClassificationPipeline.TASK;
            classifier.put(EmbeddingClassificationPipeline.LABELS_SETTING, settings.labels());
        }
        ModelHandle classification = ModelHandles.resolve(model, task, classifier, conf);
        Map<String, String> allLabels = new HashMap<>();
        allLabels.put("top_k", "all");
        spark.udf().register(CLASSIFY, new PipelineFunction(classification, allLabels), classificationType());
    }

    /** {@code struct<label: string, score: float, scores: map<string,float>>}. */
    static DataType classificationType() {
        return DataTypes.createStructType(new ClassificationColumns().fields());
    }

    /** Runs a pipeline on one text per call, through the executor's model cache. */
    private static final class PipelineFunction implements UDF1<String, Object> {

        private static final long serialVersionUID = 1L;

        private final ModelHandle handle;
        private final Map<String, String> parameters;

        PipelineFunction(ModelHandle handle, Map<String, String> parameters) {
            this.handle = handle;
            this.parameters = Map.copyOf(parameters);
        }

        @Override
        public Object call(String text) {
            if (text == null) {
                return null;
            }
            try (ExecutorModelCache.Lease<Pipeline<?, ?, ?>> lease = ExecutorPipelines.acquire(handle)) {
                @SuppressWarnings("unchecked")
                Pipeline<String, ?, Object> pipeline = (Pipeline<String, ?, Object>) lease.value();
                Object result = pipeline.call(List.of(text), parameters).get(0);
                if (result instanceof Classification classification) {
                    return RowFactory.create(classification.label(), classification.score(),
                            ClassificationColumns.scores(classification));
                }
                return result;
            }
        }
    }
}
