package dev.detopt.service.web.problem;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.deser.jdk.NumberDeserializers;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.module.SimpleModule;

/**
 * Request bodies carry finite numbers only. Jackson would otherwise turn the strings "NaN",
 * "Infinity" and "-Infinity" into those values and read 1e400 as infinity; here each is refused
 * with an error naming the field. (Unquoted NaN is not JSON and the parser already refuses it.)
 */
final class FiniteNumbers {

    static final String NOT_FINITE = "must be a finite number";

    private FiniteNumbers() {
    }

    static SimpleModule module() {
        SimpleModule module = new SimpleModule("detopt-finite-numbers");
        module.addDeserializer(Double.class, new FiniteDouble(Double.class, null));
        module.addDeserializer(double.class, new FiniteDouble(double.class, 0.0));
        module.addDeserializer(double[].class, new FiniteDoubleArray());
        return module;
    }

    private static final class FiniteDouble extends NumberDeserializers.DoubleDeserializer {

        @SuppressWarnings("unchecked")
        FiniteDouble(Class<?> type, Double nullValue) {
            super((Class<Double>) type, nullValue);
        }

        @Override
        public Double deserialize(JsonParser parser, DeserializationContext context) throws JacksonException {
            Double value = super.deserialize(parser, context);
            if (value != null && !Double.isFinite(value)) {
                throw InvalidFormatException.from(parser, NOT_FINITE, parser.getString(), Double.class);
            }
            return value;
        }
    }

    /** Numbers only (no strings), each finite; the index of a bad element goes into the path. */
    private static final class FiniteDoubleArray extends ValueDeserializer<double[]> {

        @Override
        public double[] deserialize(JsonParser parser, DeserializationContext context) throws JacksonException {
            if (!parser.isExpectedStartArrayToken()) {
                return (double[]) context.handleUnexpectedToken(double[].class, parser);
            }
            double[] values = new double[8];
            int count = 0;
            JsonToken token;
            while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
                double value;
                try {
                    if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
                        throw context.wrongTokenException(parser, double.class, JsonToken.VALUE_NUMBER_FLOAT,
                                "array elements must be numbers");
                    }
                    value = parser.getDoubleValue();
                    if (!Double.isFinite(value)) {
                        throw InvalidFormatException.from(parser, NOT_FINITE, parser.getString(), double.class);
                    }
                } catch (JacksonException e) {
                    throw JacksonException.wrapWithPath(e, values, count);
                }
                if (count == values.length) {
                    values = java.util.Arrays.copyOf(values, count * 2);
                }
                values[count++] = value;
            }
            return java.util.Arrays.copyOf(values, count);
        }
    }
}
