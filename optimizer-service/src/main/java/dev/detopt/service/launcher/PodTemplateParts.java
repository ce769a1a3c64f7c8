package dev.detopt.service.launcher;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Pod template parts given as YAML or JSON text ({@code affinity}, security contexts, extra
 * environment): read with fabric8's model and checked strictly, because fabric8 keeps unknown
 * fields in {@code additionalProperties} and the API server would drop a misspelt one silently.
 * A bad value fails the service's start, naming the property and the field.
 */
final class PodTemplateParts {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private PodTemplateParts() {
    }

    /** @return null for unset or blank text */
    static <T> T parse(String property, String text, Class<T> type) {
        Object tree = load(property, text);
        if (tree == null) {
            return null;
        }
        if (!(tree instanceof Map<?, ?>)) {
            throw new IllegalArgumentException(property + ": expected a " + type.getSimpleName() + " object, got: " + text.strip());
        }
        T value = convert(property, tree, type);
        requireKnownFields(property, value);
        return value;
    }

    /** @return an empty list for unset or blank text */
    static <T> List<T> parseList(String property, String text, Class<T> elementType) {
        Object tree = load(property, text);
        if (tree == null) {
            return List.of();
        }
        if (!(tree instanceof List<?> elements)) {
            throw new IllegalArgumentException(property + ": expected a list of " + elementType.getSimpleName() + ", got: " + text.strip());
        }
        List<T> values = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            values.add(convert(property + "[" + i + "]", elements.get(i), elementType));
        }
        requireKnownFields(property, values);
        return values;
    }

    /** YAML, of which JSON is a subset (fabric8's own reader takes text starting with a brace for JSON). */
    private static Object load(String property, String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(property + ": not YAML or JSON: " + e.getMessage(), e);
        }
    }

    private static <T> T convert(String property, Object tree, Class<T> type) {
        try {
            return SERIALIZATION.convertValue(tree, type);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(property + ": not a " + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    private static void requireKnownFields(String property, Object value) {
        List<String> unknown = new ArrayList<>();
        collectUnknownFields(value, property, unknown);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown field(s) in the worker pod template: " + String.join(", ", unknown));
        }
    }

    /** Walks fabric8's model objects; a non-empty additionalProperties is a field Kubernetes does not know. */
    private static void collectUnknownFields(Object value, String path, List<String> unknown) {
        if (value == null) {
            return;
        }
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                collectUnknownFields(list.get(i), path + "[" + i + "]", unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, entry) -> collectUnknownFields(entry, path + "." + key, unknown));
            return;
        }
        if (!value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class || !getter.getName().startsWith("get")) {
                continue;
            }
            Object property = invoke(getter, value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (property instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(key -> unknown.add(path + "." + key));
                }
            } else {
                String name = getter.getName().substring(3);
                collectUnknownFields(property, path + "." + Character.toLowerCase(name.charAt(0)) + name.substring(1), unknown);
            }
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(getter + " failed", e);
        }
    }
}
