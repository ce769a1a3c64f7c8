package dev.detopt.service.web.problem;

import java.util.List;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.json.JacksonJsonHttpMessageConverter;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * The JSON converter of the REST API reads request bodies strictly: unknown fields, duplicate
 * keys, trailing content, a string where a number or boolean belongs, a fraction for an integer,
 * null for a primitive and non-finite numbers are all refused (and reported by
 * {@link ProblemAdvice} with the field's path). It is derived from the application's
 * {@link JsonMapper}, which itself stays as Spring Boot configures it, so stored JSON is read as
 * leniently as before.
 */
@Configuration(proxyBeanMethods = false)
public class StrictJsonConfiguration implements WebMvcConfigurer {

    private final JsonMapper applicationMapper;

    public StrictJsonConfiguration(JsonMapper applicationMapper) {
        this.applicationMapper = applicationMapper;
    }

    /**
     * Swaps Spring Boot's JSON converter for the strict one, in the same place of the list, and
     * drops the XML/YAML/CBOR/Smile converters that libraries on the classpath bring in: the API
     * speaks JSON only, and a body in another format would bypass the strict reading.
     */
    @Override
    public void extendMessageConverters(List<HttpMessageConverter<?>> converters) {
        converters.removeIf(StrictJsonConfiguration::otherStructuredFormat);
        converters.replaceAll(converter -> converter instanceof JacksonJsonHttpMessageConverter
                ? new JacksonJsonHttpMessageConverter(strict(applicationMapper.rebuild()))
                : converter);
    }

    private static boolean otherStructuredFormat(HttpMessageConverter<?> converter) {
        List<MediaType> types = converter.getSupportedMediaTypes();
        return !types.isEmpty() && types.stream().allMatch(type -> {
            String subtype = type.getSubtype().toLowerCase(java.util.Locale.ROOT);
            return subtype.contains("xml") || subtype.contains("yaml") || subtype.contains("cbor")
                    || subtype.contains("smile");
        });
    }

    static JsonMapper.Builder strict(JsonMapper.Builder builder) {
        return builder
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
                        DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES,
                        DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(EnumFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .withCoercionConfig(LogicalType.Integer, config -> config
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Float,
                        config -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Boolean, config -> config
                        .setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
                .withCoercionConfig(LogicalType.Textual, config -> config
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .addModule(FiniteNumbers.module());
    }
}
