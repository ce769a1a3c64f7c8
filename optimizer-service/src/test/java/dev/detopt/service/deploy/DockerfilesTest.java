package dev.detopt.service.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Dockerfiles cannot be built on the development machines (no Docker engine), so this checks
 * what can go stale without one: the files they copy exist, the jar they run is the one the pom
 * builds, the Maven profiles they switch off exist, and the runtime stage is non-root with a health check.
 */
class DockerfilesTest {

    private static final Pattern COPY = Pattern.compile("^COPY\\s+(?!--from)(.+)$", Pattern.MULTILINE);

    @ParameterizedTest
    @CsvSource({
            "optimizer-service/Dockerfile, optimizer-service/target/optimizer-service.jar, optimizer-service/pom.xml, <finalName>optimizer-service</finalName>",
            "worker/Dockerfile, worker/target/detopt-worker.jar, worker/pom.xml, <outputFile>${project.build.directory}/detopt-worker.jar</outputFile>"})
    void dockerfileMatchesTheBuild(String dockerfile, String jar, String pom, String pomDeclaration) {
        var root = RepositoryFiles.root();
        String text = RepositoryFiles.read(root.resolve(dockerfile));

        List<String> missing = new ArrayList<>();
        Matcher copy = COPY.matcher(text);
        while (copy.find()) {
            String[] parts = copy.group(1).trim().split("\\s+");
            for (int i = 0; i < parts.length - 1; i++) {
                if (!Files.exists(root.resolve(parts[i]))) {
                    missing.add(parts[i]);
                }
            }
        }
        assertThat(missing).as("COPY sources of %s that do not exist", dockerfile).isEmpty();

        assertThat(text).contains(jar);
        assertThat(RepositoryFiles.read(root.resolve(pom))).as("the pom builds the jar the image copies").contains(pomDeclaration);
        assertThat(text).contains("FROM eclipse-temurin:25-jdk AS build", "FROM eclipse-temurin:25-jre");
        String runtime = text.substring(text.indexOf("FROM eclipse-temurin:25-jre"));
        assertThat(runtime).contains("USER 10001:10001", "HEALTHCHECK", "-XX:MaxRAMPercentage", "exec java $JAVA_OPTS");

        Matcher disabledProfiles = Pattern.compile("-P '([^']+)'").matcher(text);
        while (disabledProfiles.find()) {
            for (String profile : disabledProfiles.group(1).split(",")) {
                assertThat(RepositoryFiles.read(root.resolve(pom))).contains("<id>" + profile.replace("!", "") + "</id>");
            }
        }
    }
}
