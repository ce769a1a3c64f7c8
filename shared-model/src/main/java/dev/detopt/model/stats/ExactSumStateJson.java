package dev.detopt.model.stats;

import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;

import java.math.BigInteger;
import java.util.Base64;

/**
 * Compact, exact JSON text for an {@link ExactSum.State}: {@code "<offset>:<base64url>"} where the
 * base64 (no padding) holds the two's-complement big-endian bytes of Σ digits[i]·2^(32·i), the
 * integer the digits spell from digit {@code offset} up. Counts of non-finite inputs follow only
 * when non-zero as {@code ";nan=N;pinf=P;ninf=Q"}. A typical sum needs about 20 characters instead
 * of a JSON object with a digit array, which matters for results and checkpoints in object storage.
 * Decoding re-normalises, so the decoded state equals the encoded one exactly.
 */
public final class ExactSumStateJson {
    private static final BigInteger MASK32 = BigInteger.valueOf(0xFFFF_FFFFL);

    private ExactSumStateJson() {
    }

    public static String encode(ExactSum.State state) {
        long[] digits = state.digits();
        BigInteger value = BigInteger.ZERO;
        for (int i = digits.length - 1; i >= 0; i--) {
            value = value.shiftLeft(32).add(BigInteger.valueOf(digits[i]));
        }
        StringBuilder text = new StringBuilder();
        text.append(state.offset()).append(':');
        if (value.signum() != 0) {
            text.append(Base64.getUrlEncoder().withoutPadding().encodeToString(value.toByteArray()));
        }
        if (state.nan() != 0) {
            text.append(";nan=").append(state.nan());
        }
        if (state.positiveInfinities() != 0) {
            text.append(";pinf=").append(state.positiveInfinities());
        }
        if (state.negativeInfinities() != 0) {
            text.append(";ninf=").append(state.negativeInfinities());
        }
        return text.toString();
    }

    /** @throws IllegalArgumentException if the text is not an encoded state */
    public static ExactSum.State decode(String text) {
        String[] parts = text.split(";", -1);
        int colon = parts[0].indexOf(':');
        if (colon < 1) {
            throw new IllegalArgumentException("exact sum '" + text + "' is not of the form <offset>:<base64>");
        }
        int offset;
        BigInteger value;
        try {
            offset = Integer.parseInt(parts[0].substring(0, colon));
            String payload = parts[0].substring(colon + 1);
            value = payload.isEmpty() ? BigInteger.ZERO : new BigInteger(Base64.getUrlDecoder().decode(payload));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("exact sum '" + text + "' is malformed: " + e.getMessage(), e);
        }
        if (offset < 0 || offset >= ExactSum.DIGITS) {
            throw new IllegalArgumentException("exact sum '" + text + "' has offset outside the double range");
        }
        long nan = 0;
        long positive = 0;
        long negative = 0;
        for (int p = 1; p < parts.length; p++) {
            String[] kv = parts[p].split("=", 2);
            long count;
            try {
                count = Long.parseLong(kv.length == 2 ? kv[1] : "");
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("exact sum '" + text + "' has a malformed count '" + parts[p] + "'");
            }
            switch (kv[0]) {
                case "nan" -> nan = count;
                case "pinf" -> positive = count;
                case "ninf" -> negative = count;
                default -> throw new IllegalArgumentException("exact sum '" + text + "' has unknown part '" + parts[p] + "'");
            }
        }
        // Lay the integer out as normalised digits: 32-bit digits below the top one, signed top.
        int top = ExactSum.DIGITS - 1;
        long[] full = new long[ExactSum.DIGITS];
        for (int k = offset; k < top; k++) {
            full[k] = value.shiftRight(32 * (k - offset)).and(MASK32).longValue();
        }
        BigInteger topDigit = value.shiftRight(32 * (top - offset));
        if (topDigit.bitLength() > 62) {
            throw new IllegalArgumentException("exact sum '" + text + "' exceeds the double range");
        }
        full[top] = topDigit.longValue();
        return ExactSum.fromState(new ExactSum.State(0, full, nan, positive, negative)).state();
    }

    public static final class Serializer extends ValueSerializer<ExactSum.State> {
        @Override
        public void serialize(ExactSum.State value, JsonGenerator generator, SerializationContext context) throws JacksonException {
            generator.writeString(encode(value));
        }
    }

    public static final class Deserializer extends ValueDeserializer<ExactSum.State> {
        @Override
        public ExactSum.State deserialize(JsonParser parser, DeserializationContext context) throws JacksonException {
            if (parser.currentToken() != JsonToken.VALUE_STRING) {
                return (ExactSum.State) context.handleUnexpectedToken(ExactSum.State.class, parser);
            }
            try {
                return decode(parser.getString());
            } catch (IllegalArgumentException e) {
                return (ExactSum.State) context.handleWeirdStringValue(ExactSum.State.class, parser.getString(), e.getMessage());
            }
        }
    }
}
