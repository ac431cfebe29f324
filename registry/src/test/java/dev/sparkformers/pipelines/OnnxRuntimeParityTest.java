package dev.sparkformers.pipelines;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;

import dev.sparkformers.modeling.BaseModelOutputWithPooling;
import dev.sparkformers.modeling.LoadOptions;
import dev.sparkformers.modeling.ModelInputs;
import dev.sparkformers.models.bert.BertModel;
import dev.sparkformers.testing.MiniLm;
import dev.sparkformers.tokenization.AutoTokenizer;
import dev.sparkformers.tokenization.BatchEncoding;
import dev.sparkformers.tokenization.EncodeOptions;
import dev.sparkformers.tokenization.Encoding;
import dev.sparkformers.tokenization.PreTrainedTokenizer;
import dev.sparkformers.tokenization.Side;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Live parity with ONNX Runtime: the original ONNX export of all-MiniLM-L6-v2 (from its Maven
 * artifact) and Sparkformers on the imported checkpoint, over texts of 1 to 300+ tokens in padded
 * batches. Last hidden state within 2e-5 at real tokens, mean-pooled normalised embeddings within
 * 1e-5, both for the model's output pooled here and for {@link SentenceEmbeddingPipeline}'s own
 * embeddings.
 */
class OnnxRuntimeParityTest {

    @Test
    void importedCheckpointMatchesOnnxRuntime() throws Exception {
        List<String> texts = ParityTexts.varied();
        assertTrue(texts.size() >= 50);

        byte[] onnx;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            onnx = in.readAllBytes();
        }
        double hiddenMax = 0;
        double embeddingMax = 0;
        int shortest = Integer.MAX_VALUE;
        int longest = 0;
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession session = environment.createSession(onnx, new OrtSession.SessionOptions());
                PreTrainedTokenizer tokenizer = AutoTokenizer.fromPretrained(MiniLm.checkpoint());
                BertModel model = BertModel.fromPretrained(MiniLm.checkpoint());
                NDManager manager = NDManager.newBaseManager()) {
            EncodeOptions options = EncodeOptions.builder().truncation(true).maxLength(512).build();
            for (int start = 0; start < texts.size(); start += 8) {
                List<Encoding> rows = new ArrayList<>();
                for (String text : texts.subList(start, Math.min(start + 8, texts.size()))) {
                    Encoding encoding = tokenizer.encode(text, options);
                    shortest = Math.min(shortest, encoding.length());
                    longest = Math.max(longest, encoding.length());
                    rows.add(encoding);
                }
                BatchEncoding batch = tokenizer.pad(rows, Side.RIGHT);
                float[][][] expected = runOnnx(environment, session, batch);

                BaseModelOutputWithPooling output = model.forward(ModelInputs.builder(
                                batch.toNDArray(manager, BatchEncoding.INPUT_IDS))
                        .attentionMask(batch.toNDArray(manager, BatchEncoding.ATTENTION_MASK))
                        .tokenTypeIds(batch.toNDArray(manager, BatchEncoding.TOKEN_TYPE_IDS)).build());
                NDArray hidden = output.lastHiddenState();
                float[] actual = hidden.toFloatArray();
                int sequence = batch.sequenceLength();
                long[][] mask = batch.attentionMask();
                for (int b = 0; b < rows.size(); b++) {
                    double[] expectedSum = new double[384];
                    double[] actualSum = new double[384];
                    for (int t = 0; t < sequence; t++) {
                        if (mask[b][t] == 0) {
                            continue;
                        }
                        for (int h = 0; h < 384; h++) {
                            float a = actual[(b * sequence + t) * 384 + h];
                            float e = expected[b][t][h];
                            hiddenMax = Math.max(hiddenMax, Math.abs(a - e));
                            expectedSum[h] += e;
                            actualSum[h] += a;
                        }
                    }
                    embeddingMax = Math.max(embeddingMax, maxDiff(normalized(actualSum), normalized(expectedSum)));
                }
                output.close();
            }
        }
        System.out.printf("ONNX Runtime parity over %d texts (%d to %d tokens): last_hidden_state %.3g, "
                + "embedding %.3g%n", texts.size(), shortest, longest, hiddenMax, embeddingMax);
        assertTrue(shortest <= 3 && longest >= 300, "texts must span 1 to 300 tokens, got " + shortest + ".." + longest);
        assertTrue(hiddenMax <= 2e-5, "last_hidden_state differs from ONNX Runtime by " + hiddenMax);
        assertTrue(embeddingMax <= 1e-5, "embeddings differ from ONNX Runtime by " + embeddingMax);
    }

    @Test
    void pipelineEmbeddingsMatchOnnxRuntime() throws Exception {
        List<String> texts = ParityTexts.varied();
        byte[] onnx;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("all-minilm-l6-v2.onnx")) {
            onnx = in.readAllBytes();
        }

        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession session = environment.createSession(onnx, new OrtSession.SessionOptions());
                SentenceEmbeddingPipeline pipeline = SentenceEmbeddingPipeline.fromPretrained(MiniLm.checkpoint(),
                        LoadOptions.defaults())) {
            // The comparison below mean-pools and normalises, as all-MiniLM-L6-v2's settings specify.
            assertEquals(PoolingMode.MEAN, pipeline.settings().pooling());
            assertTrue(pipeline.settings().normalize());

            // The library's own batching, pooling and normalisation.
            List<float[]> actual = pipeline.call(texts, Map.of());
            assertEquals(texts.size(), actual.size());

            // ONNX Runtime on the same token ids: the pipeline's truncation, right padding in batches of 8.
            EncodeOptions options = EncodeOptions.builder().truncation(true).maxLength(pipeline.maxLength()).build();
            double max = 0;
            int atMaxLength = 0;
            for (int start = 0; start < texts.size(); start += 8) {
                List<Encoding> rows = new ArrayList<>();
                for (String text : texts.subList(start, Math.min(start + 8, texts.size()))) {
                    Encoding encoding = pipeline.tokenizer().encode(text, options);
                    atMaxLength += encoding.length() == pipeline.maxLength() ? 1 : 0;
                    rows.add(encoding);
                }
                BatchEncoding batch = pipeline.tokenizer().pad(rows, Side.RIGHT);
                float[][][] hidden = runOnnx(environment, session, batch);
                long[][] mask = batch.attentionMask();
                for (int b = 0; b < rows.size(); b++) {
                    double[] sum = new double[384];
                    for (int t = 0; t < batch.sequenceLength(); t++) {
                        if (mask[b][t] == 0) {
                            continue;
                        }
                        for (int h = 0; h < 384; h++) {
                            sum[h] += hidden[b][t][h];
                        }
                    }
                    // Mean pooling divides by the token count, which normalisation cancels.
                    double[] expected = normalized(sum);
                    float[] embedding = actual.get(start + b);
                    assertEquals(384, embedding.length);
                    for (int h = 0; h < 384; h++) {
                        max = Math.max(max, Math.abs(embedding[h] - expected[h]));
                    }
                }
            }
            System.out.printf("SentenceEmbeddingPipeline vs ONNX Runtime over %d texts (%d cut at max_length %d): "
                    + "max |diff| %.3g%n", texts.size(), atMaxLength, pipeline.maxLength(), max);
            assertTrue(atMaxLength > 0, "no text reaches max_length " + pipeline.maxLength() + ", so truncation is untested");
            assertTrue(max <= 1e-5, "pipeline embeddings differ from ONNX Runtime by " + max);
        }
    }

    private static float[][][] runOnnx(OrtEnvironment environment, OrtSession session, BatchEncoding batch)
            throws Exception {
        long[] shape = {batch.size(), batch.sequenceLength()};
        try (OnnxTensor ids = OnnxTensor.createTensor(environment, LongBuffer.wrap(flatten(batch.inputIds())), shape);
                OnnxTensor mask = OnnxTensor.createTensor(environment,
                        LongBuffer.wrap(flatten(batch.attentionMask())), shape);
                OnnxTensor types = OnnxTensor.createTensor(environment,
                        LongBuffer.wrap(flatten(batch.tokenTypeIds())), shape);
                OrtSession.Result result = session.run(Map.of("input_ids", ids, "attention_mask", mask,
                        "token_type_ids", types))) {
            return (float[][][]) result.get(0).getValue();
        }
    }

    private static long[] flatten(long[][] rows) {
        int width = rows[0].length;
        long[] flat = new long[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * width, width);
        }
        return flat;
    }

    private static double[] normalized(double[] sum) {
        double norm = 0;
        for (double v : sum) {
            norm += v * v;
        }
        norm = Math.max(Math.sqrt(norm), 1e-12);
        double[] out = new double[sum.length];
        for (int i = 0; i < sum.length; i++) {
            out[i] = sum[i] / norm;
        }
        return out;
    }

    private static double maxDiff(double[] a, double[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
