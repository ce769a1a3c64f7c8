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
 * @param drawing      how the dashboard may draw a design, or null (then a bar per parameter)
 */
public record SimulatorDeclaration(String name, String version, List<Parameter> parameters, List<String> observables,
                                   Capabilities capabilities, Drawing drawing) {
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

    /** A declaration without a drawing hint. */
    public SimulatorDeclaration(String name, String version, List<Parameter> parameters, List<String> observables,
                                Capabilities capabilities) {
        this(name, version, parameters, observables, capabilities, null);
    }

    /** Most layers a drawing hint may stack in one period, and most periods. */
    public static final int MAX_DRAWING_LAYERS = 100;
    public static final int MAX_DRAWING_REPEAT = 10_000;

    /**
     * A drawing hint: the design as a stack of slabs along the beam, {@code repeat} times the
     * {@code layers} in order, each as thick as the named parameter's value (in its unit). Only for
     * the dashboard: it changes nothing a worker or a study does.
     *
     * @param kind    {@code "layers"} (the only kind so far)
     * @param repeat  how many times the stack is repeated (1–10,000)
     * @param layers  the slabs of one period, front to back
     */
    public record Drawing(String kind, int repeat, List<Layer> layers) {
        public Drawing {
            layers = List.copyOf(layers);
        }

        /** One slab: its thickness is the value of {@code parameter}; {@code label} names its material. */
        public record Layer(String parameter, String label) {
        }
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
        if (drawing != null) {
            ObjectNode dn = node.putObject("drawing");
            dn.put("kind", drawing.kind());
            dn.put("repeat", drawing.repeat());
            var slabs = dn.putArray("layers");
            for (Drawing.Layer layer : drawing.layers()) {
                ObjectNode ln = slabs.addObject();
                ln.put("parameter", layer.parameter());
                if (layer.label() != null) {
                    ln.put("label", layer.label());
                }
            }
        }
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
        Set<String> known = new HashSet<>(Set.of("name", "version", "parameters", "observables", "capabilities", "drawing"));
        known.addAll(otherFields);
        for (String field : node.propertyNames()) {
            if (!known.contains(field)) {
                problems.add(new FieldProblem(at(path, field), "unknown field; known: name, version, parameters, observables, capabilities, drawing"));
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
        Drawing drawing = drawing(node.get("drawing"), at(path, "drawing"), parameters, problems);
        if (problems.size() > before) {
            return null;
        }
        return new SimulatorDeclaration(name, version, parameters, observables, capabilities, drawing);
    }

    /** The optional drawing hint; every slab must name a declared parameter. */
    private static Drawing drawing(JsonNode node, String path, List<Parameter> parameters, List<FieldProblem> problems) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            problems.add(new FieldProblem(path, "must be an object {\"kind\": \"layers\", \"repeat\", \"layers\"}"));
            return null;
        }
        int before = problems.size();
        for (String field : node.propertyNames()) {
            if (!Set.of("kind", "repeat", "layers").contains(field)) {
                problems.add(new FieldProblem(path + "." + field, "unknown field; known: kind, repeat, layers"));
            }
        }
        JsonNode kind = node.get("kind");
        if (kind == null || !kind.isString() || !kind.stringValue().equals("layers")) {
            problems.add(new FieldProblem(path + ".kind", "must be \"layers\""));
        }
        JsonNode repeatNode = node.get("repeat");
        int repeat = 1;
        if (repeatNode != null && !repeatNode.isNull()) {
            if (!repeatNode.isIntegralNumber() || repeatNode.longValue() < 1 || repeatNode.longValue() > MAX_DRAWING_REPEAT) {
                problems.add(new FieldProblem(path + ".repeat", "must be an integer from 1 to " + MAX_DRAWING_REPEAT));
            } else {
                repeat = repeatNode.intValue();
            }
        }
        Set<String> declared = new HashSet<>();
        parameters.forEach(p -> declared.add(p.name()));
        List<Drawing.Layer> layers = new ArrayList<>();
        JsonNode ls = node.get("layers");
        if (ls == null || !ls.isArray() || ls.isEmpty() || ls.size() > MAX_DRAWING_LAYERS) {
            problems.add(new FieldProblem(path + ".layers", "must be a non-empty array of at most " + MAX_DRAWING_LAYERS + " layers"));
        } else {
            for (int i = 0; i < ls.size(); i++) {
                String lp = path + ".layers[" + i + "]";
                JsonNode ln = ls.get(i);
                if (!ln.isObject()) {
                    problems.add(new FieldProblem(lp, "must be an object {\"parameter\", \"label\"}"));
                    continue;
                }
                for (String field : ln.propertyNames()) {
                    if (!Set.of("parameter", "label").contains(field)) {
                        problems.add(new FieldProblem(lp + "." + field, "unknown field; known: parameter, label"));
                    }
                }
                String parameter = text(ln, lp, "parameter", true, problems);
                if (parameter != null && !declared.contains(parameter)) {
                    problems.add(new FieldProblem(lp + ".parameter", "must name a declared parameter, was '" + parameter + "'"));
                }
                String label = text(ln, lp, "label", false, problems);
                if (label != null && label.length() > 100) {
                    problems.add(new FieldProblem(lp + ".label", "must be at most 100 characters"));
                }
                layers.add(new Drawing.Layer(parameter, label));
            }
        }
        return problems.size() > before ? null : new Drawing("layers", repeat, layers);
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
