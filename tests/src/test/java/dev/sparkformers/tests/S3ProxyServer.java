package dev.sparkformers.tests;

import org.apache.hadoop.conf.Configuration;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * An S3 API server for the tests: S3Proxy in its own JVM on 127.0.0.1, with dummy credentials,
 * path-style addressing and no TLS. Its in-memory ({@code transient}) backend loses its contents
 * when it stops; the {@code filesystem} backend of {@link #startPersistent} keeps them in a
 * directory, so a test can stop the server and start it again on the same port.
 */
final class S3ProxyServer implements AutoCloseable {

    static final String ACCESS_KEY = "sparkformers-test-access";
    static final String SECRET_KEY = "sparkformers-test-secret";

    private final ChildProcess process;
    private final int port;

    private S3ProxyServer(ChildProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts S3Proxy with its files and log in {@code dir}, retrying once if its port was taken. */
    static S3ProxyServer start(Path dir) throws IOException, InterruptedException, TimeoutException {
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= 2; attempt++) {
            try {
                return start(dir, "s3proxy-" + attempt, FreePorts.find(), List.of("jclouds.provider=transient"));
            } catch (IllegalStateException e) {
                failure = e;
            }
        }
        throw failure;
    }

    /**
     * Starts S3Proxy on {@code port} with its objects in {@code storage}, which outlives the server:
     * starting it again with the same storage and port brings back the same buckets.
     */
    static S3ProxyServer startPersistent(Path dir, Path storage, int port, String name)
            throws IOException, InterruptedException, TimeoutException {
        Files.createDirectories(storage);
        return start(dir, name, port, List.of("jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + storage.toAbsolutePath()));
    }

    private static S3ProxyServer start(Path dir, String name, int port, List<String> backend)
            throws IOException, InterruptedException, TimeoutException {
        Path jar = E2eEnvironment.s3proxyJar();
        Path properties = dir.resolve(name + ".properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                // S3A sends headers S3Proxy does not implement (for example on multi-object deletes).
                "s3proxy.ignore-unknown-headers=true",
                String.join("\n", backend),
                "jclouds.identity=" + ACCESS_KEY,
                "jclouds.credential=" + SECRET_KEY,
                ""));
        List<String> command = List.of(E2eEnvironment.javaBinary(), "-Xmx512m", "-jar", jar.toString(),
                "--properties", properties.toString());
        ChildProcess process = ChildProcess.start("S3Proxy", command, Map.of(), dir.resolve(name + ".log"));
        try {
            FreePorts.awaitListening(port, process, Duration.ofSeconds(60));
            return new S3ProxyServer(process, port);
        } catch (IllegalStateException e) {
            process.close();
            throw e;
        }
    }

    int port() {
        return port;
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** S3A settings that point Hadoop at this server. */
    Map<String, String> hadoopSettings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("fs.s3a.endpoint", endpoint());
        settings.put("fs.s3a.endpoint.region", "us-east-1");
        settings.put("fs.s3a.path.style.access", "true");
        settings.put("fs.s3a.connection.ssl.enabled", "false");
        settings.put("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
        settings.put("fs.s3a.access.key", ACCESS_KEY);
        settings.put("fs.s3a.secret.key", SECRET_KEY);
        // Fail fast: every request goes to a server on this machine, so retries only hide errors.
        settings.put("fs.s3a.attempts.maximum", "2");
        settings.put("fs.s3a.retry.limit", "2");
        return settings;
    }

    /** Creates a Hadoop configuration with {@link #hadoopSettings()} and a fresh (uncached) S3A client. */
    Configuration hadoopConfiguration() {
        Configuration conf = new Configuration();
        hadoopSettings().forEach(conf::set);
        conf.setBoolean("fs.s3a.impl.disable.cache", true);
        return conf;
    }

    /** Creates a bucket; S3A only reads and writes existing ones. */
    void createBucket(String name) {
        try (S3Client client = S3Client.builder()
                .endpointOverride(URI.create(endpoint()))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY,
                        SECRET_KEY)))
                .build()) {
            client.createBucket(request -> request.bucket(name));
        }
    }

    @Override
    public void close() {
        process.close();
    }
}
