package dev.detopt.service.dashboard;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The list of example specs for the dashboard's launch form. The pom copies {@code docs/examples/*.json}
 * into the jar's {@code static/assets/examples/}, where Spring serves each file; a static folder cannot list
 * itself, so this lists it once at startup (file name and the spec's {@code name}).
 */
@RestController
public class DashboardExamplesController {

    /** One example: its file under {@code /assets/examples/} and the study name inside it. */
    public record Example(String file, String name) {
    }

    private final List<Example> examples;

    public DashboardExamplesController(ObjectMapper json) throws IOException {
        this.examples = scan(json);
    }

    @GetMapping("/assets/examples/index.json")
    public List<Example> examples() {
        return examples;
    }

    private static List<Example> scan(ObjectMapper json) throws IOException {
        Resource[] resources = new PathMatchingResourcePatternResolver().getResources("classpath*:static/assets/examples/*.json");
        List<Example> found = new ArrayList<>();
        for (Resource resource : resources) {
            String file = resource.getFilename();
            if (file == null || file.equals("index.json")) {
                continue;
            }
            String name = file;
            try (InputStream in = resource.getInputStream()) {
                JsonNode spec = json.readTree(in);
                if (spec.path("name").isString()) {
                    name = spec.path("name").asString();
                }
            } catch (RuntimeException unreadable) {
                // Listed by file name; the form shows the parse problem when it is loaded.
            }
            found.add(new Example(file, name));
        }
        found.sort(Comparator.comparing(Example::file));
        return List.copyOf(found);
    }
}
