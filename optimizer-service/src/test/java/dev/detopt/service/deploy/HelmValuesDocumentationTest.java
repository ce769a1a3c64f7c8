package dev.detopt.service.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** values.yaml is documented line by line: every key has a comment above it or beside it. */
class HelmValuesDocumentationTest {

    @Test
    void everyKeyOfValuesYamlIsDocumented() {
        List<String> lines = RepositoryFiles.read(HelmChart.chart().resolve("values.yaml")).lines().toList();
        List<String> undocumented = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.strip();
            boolean key = trimmed.matches("[A-Za-z][A-Za-z0-9]*:.*");
            if (!key) {
                continue;
            }
            boolean inlineComment = trimmed.contains(" # ");
            boolean commentAbove = i > 0 && lines.get(i - 1).strip().startsWith("#");
            if (!inlineComment && !commentAbove) {
                undocumented.add((i + 1) + ": " + trimmed);
            }
        }
        assertThat(undocumented).as("values.yaml keys without a comment").isEmpty();
    }
}
