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
 * An S3 API server for the tests: S3Proxy with its in-memory ({@code transient}) backend, in its own
 * JVM on 127.0.0.1, with dummy credentials, path-style addressing and no TLS. Its contents are gone
 * when it stops.
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
        Path jar = E2eEnvironment.s3proxyJar();
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= 2; attempt++) {
            int port = FreePorts.find();
            Path properties = dir.resolve("s3proxy-" + attempt + ".properties");
            Files.writeString(properties, String.join("\n",
                    "s3proxy.endpoint=http://127.0.0.1:" + port,
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    // S3A sends headers S3Proxy does not implement (for example on multi-object deletes).
                    "s3proxy.ignore-unknown-headers=true",
                    "jclouds.provider=transient",
                    "jclouds.identity=" + ACCESS_KEY,
                    "jclouds.credential=" + SECRET_KEY,
                    ""));
            List<String> command = List.of(E2eEnvironment.javaBinary(), "-Xmx512m", "-jar", jar.toString(),
                    "--properties", properties.toString());
            ChildProcess process = ChildProcess.start("S3Proxy", command, Map.of(),
                    dir.resolve("s3proxy-" + attempt + ".log"));
            try {
                FreePorts.awaitListening(port, process, Duration.ofSeconds(60));
                return new S3ProxyServer(process, port);
            } catch (IllegalStateException e) {
                process.close();
                failure = e;
            }
        }
        throw failure;
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
