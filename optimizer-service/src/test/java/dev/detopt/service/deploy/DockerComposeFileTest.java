package dev.detopt.service.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detopt.service.launcher.WorkerLauncherProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * docker-compose.yml and the files in services/ it mounts: every referenced file exists, and every
 * {@code DETOPT_*} variable given to the service or a worker is one the code reads.
 */
class DockerComposeFileTest {

    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)");

    static Path root;
    static String composeText;
    static Map<String, Object> compose;
    static EnvironmentNames serviceReads;
    static EnvironmentNames workerReads;

    @BeforeAll
    static void load() {
        root = RepositoryFiles.root();
        composeText = RepositoryFiles.read(root.resolve("docker-compose.yml"));
        compose = new Yaml().load(composeText);
        serviceReads = EnvironmentNames.service(root);
        workerReads = EnvironmentNames.worker(root);
    }

    @Test
    void theStackHasEveryPiece() {
        assertThat(services().keySet()).contains(
                "postgres", "minio", "minio-init", "optimizer-service", "worker", "prometheus", "grafana");
    }

    @Test
    void namesAreDerivedFromTheCode() {
        // The derivation itself must find what README documents, or the checks below prove nothing.
        assertThat(serviceReads.exact()).contains(
                "DETOPT_PORT", "DETOPT_DB_URL", "DETOPT_DB_POOL_SIZE", "DETOPT_S3_ACCESS_KEY", "DETOPT_EMBEDDED_S3_PORT");
        assertThat(serviceReads.reads("DETOPT_DB_URLL")).isFalse();
        assertThat(serviceReads.exact()).contains("DETOPT_BOOTSTRAP_ADMIN_TOKEN", "DETOPT_SECURITY_STATIC_TOKENS",
                "DETOPT_WORKERS_MODE", "DETOPT_WORKERS_KUBERNETES_IMAGE");
        assertThat(workerReads.exact()).contains("DETOPT_SERVICE_URL", "DETOPT_WORKER_TOKEN", "DETOPT_S3_SECRET_KEY");
        assertThat(workerReads.reads("DETOPT_DB_URL")).isFalse();
    }

    @Test
    void everyMountedOrBuiltFileExists() {
        List<String> missing = new ArrayList<>();
        services().forEach((name, definition) -> {
            for (Object volume : list(definition.get("volumes"))) {
                String source = volume instanceof Map<?, ?> longForm ? (String) longForm.get("source") : volume.toString().split(":")[0];
                if (source.startsWith(".") || source.startsWith("/")) {
                    checkExists(name + " volume", source, missing);
                }
            }
            for (Object envFile : list(definition.get("env_file"))) {
                if (envFile instanceof Map<?, ?> longForm) {
                    if (!Boolean.FALSE.equals(longForm.get("required"))) {
                        checkExists(name + " env_file", (String) longForm.get("path"), missing);
                    }
                } else {
                    checkExists(name + " env_file", envFile.toString(), missing);
                }
            }
            if (definition.get("build") instanceof Map<?, ?> build) {
                String context = (String) build.get("context");
                checkExists(name + " build context", context, missing);
                checkExists(name + " dockerfile", Path.of(context).resolve((String) build.get("dockerfile")).toString(), missing);
            }
        });
        map(compose.get("configs")).forEach((name, config) -> {
            if (map(config).get("file") instanceof String file) {
                checkExists("config " + name, file, missing);
            }
        });
        assertThat(missing).as("files referenced by docker-compose.yml that do not exist").isEmpty();
        assertThat(services().get("optimizer-service").get("volumes")).as("the image is built, no host jar").isNull();
    }

    @Test
    void serviceAndWorkerGetOnlyVariablesTheCodeReads() {
        assertThat(unread(environment("optimizer-service"), serviceReads))
                .as("DETOPT_* given to optimizer-service that no code reads (misspelt or removed?)").isEmpty();
        assertThat(unread(environment("worker"), workerReads))
                .as("DETOPT_* given to the worker that no code reads (misspelt or removed?)").isEmpty();
        assertThat(environment("optimizer-service")).containsKeys("DETOPT_DB_URL", "DETOPT_S3_ENDPOINT");
        assertThat(environment("worker")).containsKeys("DETOPT_SERVICE_URL", "DETOPT_WORKER_TOKEN", "DETOPT_S3_ENDPOINT");
    }

    @Test
    void serviceAndWorkersShareTheObjectStoreAndTheWorkerToken() {
        Map<String, String> service = environment("optimizer-service");
        Map<String, String> worker = environment("worker");
        for (String name : List.of("DETOPT_S3_ENDPOINT", "DETOPT_S3_BUCKET", "DETOPT_S3_ACCESS_KEY", "DETOPT_S3_SECRET_KEY")) {
            assertThat(worker.get(name)).as(name).isEqualTo(service.get(name));
        }
        assertThat(service.get("DETOPT_SECURITY_STATIC_TOKENS")).isEqualTo("worker:" + worker.get("DETOPT_WORKER_TOKEN"));
        assertThat(worker.get("DETOPT_SERVICE_URL")).isEqualTo("http://optimizer-service:8080");
        // Compose runs the workers itself: the service's launcher must start none (its default is local processes).
        assertThat(WorkerLauncherProperties.Mode.valueOf(service.get("DETOPT_WORKERS_MODE").toUpperCase(Locale.ROOT)))
                .isEqualTo(WorkerLauncherProperties.Mode.NONE);
    }

    @Test
    void workersCanBeScaled() {
        Map<String, Object> worker = services().get("worker");
        // container_name or a fixed host port would make `--scale worker=N` fail.
        assertThat(worker).doesNotContainKeys("container_name", "ports");
        assertThat(worker.get("stop_grace_period")).as("time for the SIGTERM checkpoint").isNotNull();
    }

    @Test
    void everyInterpolatedVariableIsInTheExampleEnvFile() {
        Set<String> interpolated = new TreeSet<>();
        Matcher matcher = INTERPOLATION.matcher(composeText);
        while (matcher.find()) {
            interpolated.add(matcher.group(1));
        }
        Set<String> example = new TreeSet<>();
        for (String line : RepositoryFiles.read(root.resolve(".env.example")).split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                example.add(line.substring(0, line.indexOf('=')).trim());
            }
        }
        assertThat(example).isEqualTo(interpolated);
        assertThat(RepositoryFiles.read(root.resolve(".gitignore")).lines()).as(".env holds secrets").contains(".env");
    }

    @Test
    void prometheusScrapesTheServiceAndGrafanaUsesThatDatasource() {
        Map<String, Object> prometheus = new Yaml().load(RepositoryFiles.read(root.resolve("services/prometheus/prometheus.yml")));
        Map<String, Object> job = map(list(prometheus.get("scrape_configs")).getFirst());
        assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
        assertThat(list(map(list(job.get("static_configs")).getFirst()).get("targets"))).containsExactly("optimizer-service:8080");
        for (Object ruleFile : list(prometheus.get("rule_files"))) {
            assertThat(composeText).contains("./services/prometheus/" + Path.of(ruleFile.toString()).getFileName() + ":" + ruleFile);
        }

        Map<String, Object> datasources = new Yaml().load(RepositoryFiles.read(root.resolve("services/grafana/provisioning/datasources/prometheus.yml")));
        Object datasourceUid = map(list(datasources.get("datasources")).getFirst()).get("uid");
        JsonNode dashboard = JsonMapper.builder().build().readTree(RepositoryFiles.read(root.resolve("services/grafana/dashboards/detopt.json")));
        assertThat(dashboard.get("panels").size()).isGreaterThanOrEqualTo(6);
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(panel.get("datasource").get("uid").asString()).as(panel.get("title").asString()).isEqualTo(datasourceUid);
            assertThat(panel.get("targets").size()).as(panel.get("title").asString()).isPositive();
        }
    }

    private static Set<String> unread(Map<String, String> environment, EnvironmentNames reads) {
        Set<String> unread = new TreeSet<>();
        for (String name : environment.keySet()) {
            if (name.startsWith("DETOPT_") && !reads.reads(name)) {
                unread.add(name);
            }
        }
        return unread;
    }

    private static void checkExists(String what, String path, List<String> missing) {
        if (!Files.exists(root.resolve(path).normalize())) {
            missing.add(what + ": " + path);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() {
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    /** A service's environment with merge keys resolved, as name → value. */
    static Map<String, String> environment(String service) {
        Object environment = services().get(service).get("environment");
        Map<String, String> variables = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?> entries) {
            entries.forEach((name, value) -> variables.put(name.toString(), String.valueOf(value)));
        } else {
            for (Object entry : list(environment)) {
                String[] parts = entry.toString().split("=", 2);
                variables.put(parts[0], parts.length > 1 ? parts[1] : "");
            }
        }
        return variables;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value == null ? Map.of() : (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return value == null ? List.of() : (List<Object>) value;
    }
}
