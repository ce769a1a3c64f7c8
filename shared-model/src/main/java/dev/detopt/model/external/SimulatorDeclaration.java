package dev.detopt.model.external;

import dev.detopt.model.study.FieldProblem;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an external simulator program declares about itself in its {@code hello} (see
 * docs/simulator-protocol.md): its parameters, per-event observables and capabilities. An operator's
 * registration carries the same declaration so that the service can check study specs without running
 * the program; a worker refuses a program whose hello differs from its registration.
 *
 * @param name         the program's own name (informational)
 * @param version      the program's version (informational, recorded in failures)
 * @param parameters   design parameters, in the order the program expects θ
 * @param observables  per-event observables, in the order the program writes them
 * @param capabilities what the program can report besides observables
 */
public record SimulatorDeclaration(String name, String version, List<Parameter> parameters, List<String> observables,
                                   Capabilities capabilities) {
    /** Longest parameter or observable list a program may declare. */
    public static final int MAX_NAMES = 100_000;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:\\-]{1,100}");

    public SimulatorDeclaration {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        parameters = List.copyOf(parameters);
        observables = List.copyOf(observables);
        Objects.requireNonNull(capabilities, "capabilities");
    }

    /**
     * A design parameter.
     *
     * @param defaultValue JSON {@code default}: a sensible starting value
     * @param lower        smallest value the program accepts, or null
     * @param upper        largest value the program accepts, or null
     */
    public record Parameter(String name, String unit, Double defaultValue, Double lower, Double upper) {
    }

    /**
     * @param tangents      the program can report dy_i/dθ_j per event (pathwise estimator)
     * @param scores        the program can report d log p/dθ_j per event (score estimators)
     * @param deterministic the same event seed and θ always give the same bits
     */
    public record Capabilities(boolean tangents, boolean scores, boolean deterministic) {
    }

    public List<String> parameterNames() {
        return parameters.stream().map(Parameter::name).toList();
    }

    /** Whether two declarations describe the same interface (names and versions aside). */
    public boolean sameInterface(SimulatorDeclaration other) {
        return parameters.equals(other.parameters) && observables.equals(other.observables)
                && capabilities.equals(other.capabilities);
    }

    /** The declaration as the JSON object of a hello or a registration (without {@code type}). */
    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("name", name);
        node.put("version", version);
        var params = node.putArray("parameters");
        for (Parameter p : parameters) {
            ObjectNode pn = params.addObject();
            pn.put("name", p.name());
            if (p.unit() != null) {
                pn.put("unit", p.unit());
            }
            if (p.defaultValue() != null) {
                pn.put("default", p.defaultValue());
            }
            if (p.lower() != null) {
                pn.put("lower", p.lower());
            }
            if (p.upper() != null) {
                pn.put("upper", p.upper());
            }
        }
        var obs = node.putArray("observables");
        observables.forEach(obs::add);
        ObjectNode caps = node.putObject("capabilities");
        caps.put("tangents", capabilities.tangents());
        caps.put("scores", capabilities.scores());
        caps.put("deterministic", capabilities.deterministic());
        return node;
    }

    /**
     * Reads a declaration from {@code node} (a hello or a registration's {@code declaration}), adding
     * every problem with a path under {@code path}. Fields other than the declaration's and those in
     * {@code otherFields} are problems. Returns null when there were problems.
     */
    public static SimulatorDeclaration parse(JsonNode node, String path, List<FieldProblem> problems, Set<String> otherFields) {
        int before = problems.size();
        if (node == null || !node.isObject()) {
            problems.add(new FieldProblem(path, "must be a JSON object"));
            return null;
        }
        Set<String> known = new HashSet<>(Set.of("name", "version", "parameters", "observables", "capabilities"));
        known.addAll(otherFields);
        for (String field : node.propertyNames()) {
            if (!known.contains(field)) {
                problems.add(new FieldProblem(at(path, field), "unknown field; known: name, version, parameters, observables, capabilities"));
            }
        }
        String name = text(node, path, "name", true, problems);
        String version = text(node, path, "version", true, problems);
        List<Parameter> parameters = new ArrayList<>();
        JsonNode ps = node.get("parameters");
        if (ps == null || !ps.isArray() || ps.isEmpty() || ps.size() > MAX_NAMES) {
            problems.add(new FieldProblem(at(path, "parameters"), "must be a non-empty array of at most " + MAX_NAMES + " parameters"));
        } else {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < ps.size(); i++) {
                String p = at(path, "parameters") + "[" + i + "]";
                JsonNode pn = ps.get(i);
                if (!pn.isObject()) {
                    problems.add(new FieldProblem(p, "must be an object with name, unit, default, lower, upper"));
                    continue;
                }
                for (String field : pn.propertyNames()) {
                    if (!Set.of("name", "unit", "default", "lower", "upper").contains(field)) {
                        problems.add(new FieldProblem(p + "." + field, "unknown field; known: name, unit, default, lower, upper"));
                    }
                }
                String pname = text(pn, p, "name", true, problems);
                if (pname != null && !NAME.matcher(pname).matches()) {
                    problems.add(new FieldProblem(p + ".name", "must be 1-100 letters, digits, '_', '.', ':' or '-'"));
                } else if (pname != null && !seen.add(pname)) {
                    problems.add(new FieldProblem(p + ".name", "duplicate parameter '" + pname + "'"));
                }
                String unit = text(pn, p, "unit", false, problems);
                Double def = number(pn, p, "default", problems);
                Double lower = number(pn, p, "lower", problems);
                Double upper = number(pn, p, "upper", problems);
                if (lower != null && upper != null && !(lower < upper)) {
                    problems.add(new FieldProblem(p + ".lower", "must be below upper (" + upper + "), was " + lower));
                }
                if (def != null && ((lower != null && def < lower) || (upper != null && def > upper))) {
                    problems.add(new FieldProblem(p + ".default", "must lie within [lower, upper], was " + def));
                }
                parameters.add(new Parameter(pname, unit, def, lower, upper));
            }
        }
        List<String> observables = new ArrayList<>();
        JsonNode os = node.get("observables");
        if (os == null || !os.isArray() || os.isEmpty() || os.size() > MAX_NAMES) {
            problems.add(new FieldProblem(at(path, "observables"), "must be a non-empty array of at most " + MAX_NAMES + " names"));
        } else {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < os.size(); i++) {
                JsonNode o = os.get(i);
                String p = at(path, "observables") + "[" + i + "]";
                if (!o.isString() || !NAME.matcher(o.stringValue()).matches()) {
                    problems.add(new FieldProblem(p, "must be a name of 1-100 letters, digits, '_', '.', ':' or '-'"));
                } else if (!seen.add(o.stringValue())) {
                    problems.add(new FieldProblem(p, "duplicate observable '" + o.stringValue() + "'"));
                } else {
                    observables.add(o.stringValue());
                }
            }
        }
        Capabilities capabilities = null;
        JsonNode cn = node.get("capabilities");
        String cp = at(path, "capabilities");
        if (cn == null || !cn.isObject()) {
            problems.add(new FieldProblem(cp, "must be an object {\"tangents\": bool, \"scores\": bool, \"deterministic\": bool}"));
        } else {
            for (String field : cn.propertyNames()) {
                if (!Set.of("tangents", "scores", "deterministic").contains(field)) {
                    problems.add(new FieldProblem(cp + "." + field, "unknown capability; known: tangents, scores, deterministic"));
                }
            }
            capabilities = new Capabilities(bool(cn, cp, "tangents", problems), bool(cn, cp, "scores", problems),
                    bool(cn, cp, "deterministic", problems));
        }
        if (problems.size() > before) {
            return null;
        }
        return new SimulatorDeclaration(name, version, parameters, observables, capabilities);
    }

    static String at(String path, String field) {
        return path.isEmpty() || path.equals("$") ? field : path + "." + field;
    }

    static String text(JsonNode node, String path, String field, boolean required, List<FieldProblem> problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                problems.add(new FieldProblem(at(path, field), "is required"));
            }
            return null;
        }
        if (!value.isString() || value.stringValue().isEmpty() || value.stringValue().length() > 1000) {
            problems.add(new FieldProblem(at(path, field), "must be a non-empty string of at most 1000 characters"));
            return null;
        }
        return value.stringValue();
    }

    static Double number(JsonNode node, String path, String field, List<FieldProblem> problems) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
            problems.add(new FieldProblem(at(path, field), "must be a finite number"));
            return null;
        }
        return value.doubleValue();
    }

    static boolean bool(JsonNode node, String path, String field, List<FieldProblem> problems) {
        JsonNode value = node.get(field);
        if (value == null || !value.isBoolean()) {
            problems.add(new FieldProblem(at(path, field), "must be true or false"));
            return false;
        }
        return value.booleanValue();
    }
}
