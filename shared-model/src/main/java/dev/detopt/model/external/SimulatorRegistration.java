package dev.detopt.model.external;

import dev.detopt.model.study.FieldProblem;
import dev.detopt.model.study.InvalidStudySpecException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An operator's registration of an external simulator program (docs/simulator-protocol.md §5). Only
 * operators register programs (deployment configuration, a registry file, or the admin API); a study
 * spec names a registered simulator by {@link #name} and can never choose a command.
 *
 * @param name               how studies name it ({@code "simulator": {"name": ...}})
 * @param description        free text for the dashboard, or null
 * @param command            program and arguments run directly (no shell); null when only an image is given
 * @param image              container image for Kubernetes workers, or null
 * @param environment        extra environment variables for the program
 * @param workingDirectory   directory to start it in, or null for the worker's
 * @param startTimeout       time allowed for hello and configure
 * @param batchTimeout       time allowed for one batch request
 * @param verifyDeterminism  re-run the first event of every request and compare the bits
 * @param declaration        the program's parameters, observables and capabilities (its hello must match)
 * @param resources          CPU and memory of one worker pod of the simulator's image, or null for the launcher's
 */
public record SimulatorRegistration(String name, String description, List<String> command, String image,
                                    Map<String, String> environment, String workingDirectory, Duration startTimeout,
                                    Duration batchTimeout, boolean verifyDeterminism, SimulatorDeclaration declaration,
                                    Resources resources) {
    /** Registered names: lower-case letters, digits and '-', starting with a letter. */
    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration DEFAULT_BATCH_TIMEOUT = Duration.ofSeconds(600);
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Set<String> FIELDS = Set.of("name", "description", "command", "image", "environment",
            "workingDirectory", "startTimeoutSeconds", "batchTimeoutSeconds", "verifyDeterminism", "declaration",
            "resources");
    /** A container image reference: [registry[:port]/]path[:tag][@digest], no spaces or shell characters. */
    public static final Pattern IMAGE = Pattern.compile("[a-z0-9][A-Za-z0-9._/:@-]{0,254}");

    /**
     * Kubernetes requests (and limits) of one worker pod of the simulator's image: quantities such
     * as {@code "2"}, {@code "500m"}, {@code "4Gi"}; either may be null.
     */
    public record Resources(String cpu, String memory) {
        private static final Pattern QUANTITY = Pattern.compile("[0-9]{1,9}(\\.[0-9]{1,6})?(m|k|M|G|T|Ki|Mi|Gi|Ti)?");
        private static final Set<String> FIELDS = Set.of("cpu", "memory");

        static Resources parse(JsonNode node, String path, List<FieldProblem> problems) {
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isObject()) {
                problems.add(new FieldProblem(path, "must be an object {\"cpu\": \"2\", \"memory\": \"4Gi\"}"));
                return null;
            }
            for (String field : node.propertyNames()) {
                if (!FIELDS.contains(field)) {
                    problems.add(new FieldProblem(SimulatorDeclaration.at(path, field), "unknown field; known: cpu, memory"));
                }
            }
            String cpu = quantity(node, path, "cpu", problems);
            String memory = quantity(node, path, "memory", problems);
            return cpu == null && memory == null ? null : new Resources(cpu, memory);
        }

        private static String quantity(JsonNode node, String path, String field, List<FieldProblem> problems) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (!value.isString() || !QUANTITY.matcher(value.stringValue()).matches()) {
                problems.add(new FieldProblem(SimulatorDeclaration.at(path, field),
                        "must be a Kubernetes quantity such as \"2\", \"500m\" or \"4Gi\""));
                return null;
            }
            return value.stringValue();
        }

        ObjectNode toJson() {
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            if (cpu != null) {
                node.put("cpu", cpu);
            }
            if (memory != null) {
                node.put("memory", memory);
            }
            return node;
        }
    }

    public SimulatorRegistration {
        Objects.requireNonNull(name, "name");
        command = command == null ? null : List.copyOf(command);
        environment = environment == null ? Map.of() : Map.copyOf(environment);
        Objects.requireNonNull(startTimeout, "startTimeout");
        Objects.requireNonNull(batchTimeout, "batchTimeout");
        Objects.requireNonNull(declaration, "declaration");
        if (command == null && image == null) {
            throw new IllegalArgumentException("a registration needs a command or an image");
        }
    }

    /** A registration without pod resources. */
    public SimulatorRegistration(String name, String description, List<String> command, String image,
                                 Map<String, String> environment, String workingDirectory, Duration startTimeout,
                                 Duration batchTimeout, boolean verifyDeterminism, SimulatorDeclaration declaration) {
        this(name, description, command, image, environment, workingDirectory, startTimeout, batchTimeout,
                verifyDeterminism, declaration, null);
    }

    /** A registration of a local command with default timeouts. */
    public static SimulatorRegistration ofCommand(String name, List<String> command, SimulatorDeclaration declaration) {
        return new SimulatorRegistration(name, null, command, null, Map.of(), null, DEFAULT_START_TIMEOUT,
                DEFAULT_BATCH_TIMEOUT, false, declaration);
    }

    public SimulatorRegistration withTimeouts(Duration start, Duration batch) {
        return new SimulatorRegistration(name, description, command, image, environment, workingDirectory, start, batch,
                verifyDeterminism, declaration, resources);
    }

    public SimulatorRegistration withVerifyDeterminism(boolean verify) {
        return new SimulatorRegistration(name, description, command, image, environment, workingDirectory, startTimeout,
                batchTimeout, verify, declaration, resources);
    }

    /** Parses a registration, or throws with every problem (paths relative to the document). */
    public static SimulatorRegistration parse(JsonNode node) {
        List<FieldProblem> problems = new ArrayList<>();
        SimulatorRegistration registration = parse(node, "$", problems);
        if (registration == null) {
            throw new InvalidStudySpecException(problems);
        }
        return registration;
    }

    /** Parses a registration, adding every problem under {@code path}; null when there were problems. */
    public static SimulatorRegistration parse(JsonNode node, String path, List<FieldProblem> problems) {
        int before = problems.size();
        if (node == null || !node.isObject()) {
            problems.add(new FieldProblem(path, "a registration must be a JSON object"));
            return null;
        }
        for (String field : node.propertyNames()) {
            if (!FIELDS.contains(field)) {
                problems.add(new FieldProblem(SimulatorDeclaration.at(path, field), "unknown field; known: " + String.join(", ", FIELDS.stream().sorted().toList())));
            }
        }
        String name = SimulatorDeclaration.text(node, path, "name", true, problems);
        if (name != null && !NAME.matcher(name).matches()) {
            problems.add(new FieldProblem(SimulatorDeclaration.at(path, "name"), "must be a lower-case letter followed by up to 62 lower-case letters, digits or '-'"));
        }
        String description = SimulatorDeclaration.text(node, path, "description", false, problems);
        List<String> command = null;
        JsonNode cn = node.get("command");
        if (cn != null && !cn.isNull()) {
            if (!cn.isArray() || cn.isEmpty()) {
                problems.add(new FieldProblem(SimulatorDeclaration.at(path, "command"), "must be a non-empty array of strings: the program and its arguments (no shell)"));
            } else {
                command = new ArrayList<>();
                for (int i = 0; i < cn.size(); i++) {
                    JsonNode arg = cn.get(i);
                    if (!arg.isString() || (i == 0 && arg.stringValue().isBlank()) || arg.stringValue().indexOf('\0') >= 0) {
                        problems.add(new FieldProblem(SimulatorDeclaration.at(path, "command") + "[" + i + "]", "must be a string without NUL (the first a program path)"));
                    } else {
                        command.add(arg.stringValue());
                    }
                }
            }
        }
        String image = SimulatorDeclaration.text(node, path, "image", false, problems);
        if (image != null && !IMAGE.matcher(image).matches()) {
            problems.add(new FieldProblem(SimulatorDeclaration.at(path, "image"),
                    "must be a container image reference such as registry.example.org/calo:1.2 (lower case, no spaces)"));
        }
        if (command == null && image == null && node.get("command") == null) {
            problems.add(new FieldProblem(SimulatorDeclaration.at(path, "command"), "a registration needs a command, an image or both"));
        }
        Map<String, String> environment = new LinkedHashMap<>();
        JsonNode en = node.get("environment");
        if (en != null && !en.isNull()) {
            if (!en.isObject()) {
                problems.add(new FieldProblem(SimulatorDeclaration.at(path, "environment"), "must be an object of name: string"));
            } else {
                for (var e : en.properties()) {
                    String p = SimulatorDeclaration.at(path, "environment") + "." + e.getKey();
                    if (!ENV_NAME.matcher(e.getKey()).matches()) {
                        problems.add(new FieldProblem(p, "must be a variable name of letters, digits and '_'"));
                    } else if (!e.getValue().isString() || e.getValue().stringValue().indexOf('\0') >= 0) {
                        problems.add(new FieldProblem(p, "must be a string without NUL"));
                    } else {
                        environment.put(e.getKey(), e.getValue().stringValue());
                    }
                }
            }
        }
        String workingDirectory = SimulatorDeclaration.text(node, path, "workingDirectory", false, problems);
        Duration start = seconds(node, path, "startTimeoutSeconds", DEFAULT_START_TIMEOUT, problems);
        Duration batch = seconds(node, path, "batchTimeoutSeconds", DEFAULT_BATCH_TIMEOUT, problems);
        boolean verify = false;
        JsonNode vn = node.get("verifyDeterminism");
        if (vn != null && !vn.isNull()) {
            if (!vn.isBoolean()) {
                problems.add(new FieldProblem(SimulatorDeclaration.at(path, "verifyDeterminism"), "must be true or false"));
            } else {
                verify = vn.booleanValue();
            }
        }
        SimulatorDeclaration declaration = SimulatorDeclaration.parse(node.get("declaration"),
                SimulatorDeclaration.at(path, "declaration"), problems, Set.of());
        if (verify && declaration != null && !declaration.capabilities().deterministic()) {
            problems.add(new FieldProblem(SimulatorDeclaration.at(path, "verifyDeterminism"),
                    "the program does not declare itself deterministic per event seed"));
        }
        Resources resources = Resources.parse(node.get("resources"), SimulatorDeclaration.at(path, "resources"), problems);
        if (problems.size() > before) {
            return null;
        }
        return new SimulatorRegistration(name, description, command, image, environment, workingDirectory, start, batch,
                verify, declaration, resources);
    }

    private static Duration seconds(JsonNode node, String path, String field, Duration fallback, List<FieldProblem> problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber() || !(value.doubleValue() > 0) || value.doubleValue() > 86_400) {
            problems.add(new FieldProblem(SimulatorDeclaration.at(path, field), "must be a number of seconds in (0, 86400]"));
            return fallback;
        }
        return Duration.ofNanos(Math.round(value.doubleValue() * 1e9));
    }

    /** The registration as JSON (the form {@link #parse} reads). */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("name", name);
        if (description != null) {
            node.put("description", description);
        }
        if (command != null) {
            var array = node.putArray("command");
            command.forEach(array::add);
        }
        if (image != null) {
            node.put("image", image);
        }
        ObjectNode env = node.putObject("environment");
        environment.forEach(env::put);
        if (workingDirectory != null) {
            node.put("workingDirectory", workingDirectory);
        }
        node.put("startTimeoutSeconds", startTimeout.toNanos() / 1e9);
        node.put("batchTimeoutSeconds", batchTimeout.toNanos() / 1e9);
        node.put("verifyDeterminism", verifyDeterminism);
        node.set("declaration", declaration.toJson());
        if (resources != null) {
            node.set("resources", resources.toJson());
        }
        return node;
    }
}
