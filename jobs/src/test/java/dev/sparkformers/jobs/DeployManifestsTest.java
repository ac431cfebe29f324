package dev.sparkformers.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Parses every Kubernetes manifest under deploy/ and checks the fields that Kubernetes reads
 * first. No test applies them: the build machines have no Kubernetes cluster.
 */
class DeployManifestsTest {

    /** The kinds the manifests may declare, with the apiVersion each must use. */
    private static final Map<String, String> API_VERSIONS = Map.of(
            "SparkApplication", "sparkoperator.k8s.io/v1beta2",
            "CronJob", "batch/v1");

    private static final Path DEPLOY = Path.of("..", "deploy");

    private static List<Path> manifests() throws IOException {
        try (Stream<Path> files = Files.walk(DEPLOY)) {
            return files.filter(file -> file.toString().endsWith(".yaml") || file.toString().endsWith(".yml"))
                    .sorted().toList();
        }
    }

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (MappingIterator<JsonNode> iterator = new YAMLMapper().readerFor(JsonNode.class)
                .readValues(file.toFile())) {
            iterator.forEachRemaining(documents::add);
        }
        return documents;
    }

    @Test
    void everyManifestHasKnownKind() throws IOException {
        List<Path> files = manifests();
        assertTrue(files.size() >= 3, "expected the deploy/ manifests, found " + files);
        for (Path file : files) {
            List<JsonNode> documents = documents(file);
            assertFalse(documents.isEmpty(), file + " has no YAML document");
            for (JsonNode document : documents) {
                String kind = document.path("kind").asText();
                assertTrue(API_VERSIONS.containsKey(kind), file + ": unexpected kind '" + kind + "'");
                assertEquals(API_VERSIONS.get(kind), document.path("apiVersion").asText(), file + ": apiVersion");
                assertFalse(document.path("metadata").path("name").asText().isEmpty(), file + ": metadata.name");
            }
        }
    }

    @Test
    void nightlyCronJobRunsIncrementalEmbed() throws IOException {
        JsonNode cronJob = documents(DEPLOY.resolve("kubernetes/sparkformers-nightly-embed-cronjob.yaml")).get(0);
        JsonNode spec = cronJob.path("spec");
        assertEquals("Forbid", spec.path("concurrencyPolicy").asText());
        assertEquals(5, spec.path("schedule").asText().split(" ").length, "schedule is a five-field cron line");

        JsonNode pod = spec.path("jobTemplate").path("spec").path("template").path("spec");
        assertEquals("Never", pod.path("restartPolicy").asText());
        List<String> args = new ArrayList<>();
        pod.path("containers").get(0).path("args").forEach(arg -> args.add(arg.asText()));
        assertEquals("client", args.get(args.indexOf("--deploy-mode") + 1));
        int command = args.indexOf("embed");
        assertTrue(command > 0, "no embed command in " + args);
        List<String> embed = args.subList(command, args.size());
        assertTrue(embed.contains("--incremental"), embed.toString());
        assertTrue(embed.contains("--state"), embed.toString());
    }

    @Test
    void gpuApplicationGetsCudaNatives() throws IOException {
        JsonNode application = documents(DEPLOY.resolve("kubernetes/sparkformers-embed-gpu.yaml")).get(0);
        List<String> names = new ArrayList<>();
        application.path("spec").path("executor").path("env").forEach(env -> names.add(env.path("name").asText()));
        assertTrue(names.containsAll(List.of("PYTORCH_LIBRARY_PATH", "PYTORCH_FLAVOR", "PYTORCH_VERSION")),
                names.toString());
        assertEquals("1", application.path("spec").path("sparkConf").path("spark.task.resource.gpu.amount").asText());
    }
}
