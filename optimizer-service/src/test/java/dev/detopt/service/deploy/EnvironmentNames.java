package dev.detopt.service.deploy;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;
import org.springframework.util.ClassUtils;

/**
 * The {@code DETOPT_*} environment variables the code reads, derived from the code itself so that
 * deployment files cannot drift from it without a test noticing:
 * <ul>
 *   <li>service: every property of a {@code @ConfigurationProperties} record under {@code dev.detopt}
 *       (Spring binds {@code detopt.s3.access-key} from {@code DETOPT_S3_ACCESS_KEY}), the
 *       {@code ${DETOPT_…}} and {@code ${detopt.…}} placeholders of its properties files and sources,
 *       and {@code System.getenv("DETOPT_…")} / {@code getProperty("detopt.…")} calls in its sources;</li>
 *   <li>worker (not on this test's classpath): the {@code "DETOPT_…"} string constants of its sources.</li>
 * </ul>
 */
record EnvironmentNames(Set<String> exact, Set<String> prefixes) {

    private static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\$\\{(DETOPT_[A-Z0-9_]+)");
    private static final Pattern PROPERTY_PLACEHOLDER = Pattern.compile("\\$\\{(detopt\\.[a-z0-9.\\-]+)");
    private static final Pattern GETENV = Pattern.compile("getenv\\(\\s*\"(DETOPT_[A-Z0-9_]+)\"");
    private static final Pattern GET_PROPERTY = Pattern.compile("getProperty\\(\\s*\"(detopt\\.[a-z0-9.\\-]+)\"");
    private static final Pattern STRING_CONSTANT = Pattern.compile("\"(DETOPT_[A-Z0-9_]+)\"");

    /** Whether the code reads this variable (a map-valued property accepts any name below it). */
    boolean reads(String name) {
        return exact.contains(name) || prefixes.stream().anyMatch(prefix -> name.startsWith(prefix + "_"));
    }

    static EnvironmentNames service(Path repositoryRoot) {
        Set<String> exact = new TreeSet<>();
        Set<String> prefixes = new TreeSet<>();
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
        for (BeanDefinition candidate : scanner.findCandidateComponents("dev.detopt")) {
            Class<?> type = ClassUtils.resolveClassName(candidate.getBeanClassName(), EnvironmentNames.class.getClassLoader());
            ConfigurationProperties annotation = type.getAnnotation(ConfigurationProperties.class);
            String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
            collectProperties(prefix, type, exact, prefixes);
        }
        Path service = repositoryRoot.resolve("optimizer-service/src/main");
        for (Path file : concat(RepositoryFiles.filesUnder(service, ".java"), RepositoryFiles.filesUnder(service, ".properties"),
                RepositoryFiles.filesUnder(service, ".yaml"), RepositoryFiles.filesUnder(service, ".yml"))) {
            String text = RepositoryFiles.read(file);
            addMatches(ENV_PLACEHOLDER, text, exact, false);
            addMatches(GETENV, text, exact, false);
            addMatches(PROPERTY_PLACEHOLDER, text, exact, true);
            addMatches(GET_PROPERTY, text, exact, true);
        }
        return new EnvironmentNames(exact, prefixes);
    }

    static EnvironmentNames worker(Path repositoryRoot) {
        Set<String> exact = new TreeSet<>();
        for (Path file : RepositoryFiles.filesUnder(repositoryRoot.resolve("worker/src/main/java"), ".java")) {
            addMatches(STRING_CONSTANT, RepositoryFiles.read(file), exact, false);
        }
        return new EnvironmentNames(exact, Set.of());
    }

    /** {@code detopt.s3.access-key} → {@code DETOPT_S3_ACCESS_KEY}, Spring's rule for environment variables. */
    static String environmentName(String property) {
        return property.replace('.', '_').replace('-', '_').toUpperCase(java.util.Locale.ROOT);
    }

    private static void collectProperties(String prefix, Class<?> type, Set<String> exact, Set<String> prefixes) {
        if (!type.isRecord()) {
            // Mutable JavaBean properties classes: their fields are the properties.
            for (var field : type.getDeclaredFields()) {
                if (!java.lang.reflect.Modifier.isStatic(field.getModifiers())) {
                    collectProperty(prefix + "." + kebab(field.getName()), field.getType(), field.getGenericType(), exact, prefixes);
                }
            }
            return;
        }
        for (RecordComponent component : type.getRecordComponents()) {
            collectProperty(prefix + "." + kebab(component.getName()), component.getType(), component.getGenericType(), exact, prefixes);
        }
    }

    private static void collectProperty(String property, Class<?> type, Type genericType, Set<String> exact, Set<String> prefixes) {
        String name = environmentName(property);
        if (Map.class.isAssignableFrom(type)) {
            prefixes.add(name);
            exact.add(name);
        } else if (isNested(type)) {
            collectProperties(property, type, exact, prefixes);
        } else if (Collection.class.isAssignableFrom(type) && genericType instanceof ParameterizedType parameterized
                && parameterized.getActualTypeArguments()[0] instanceof Class<?> element && isNested(element)) {
            prefixes.add(name); // a list of nested objects binds as NAME_0_FIELD
        } else {
            exact.add(name);
        }
    }

    private static boolean isNested(Class<?> type) {
        return !type.isEnum() && type.getPackageName().startsWith("dev.detopt");
    }

    private static String kebab(String camelCase) {
        return camelCase.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }

    private static void addMatches(Pattern pattern, String text, Set<String> names, boolean isProperty) {
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            names.add(isProperty ? environmentName(matcher.group(1)) : matcher.group(1));
        }
    }

    @SafeVarargs
    private static java.util.List<Path> concat(java.util.List<Path>... lists) {
        return java.util.Arrays.stream(lists).flatMap(Collection::stream).toList();
    }
}
