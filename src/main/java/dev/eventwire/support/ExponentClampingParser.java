package dev.eventwire.support;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a number whose exponent no decimal can hold (such as {@code 1e-2147483648}) as the decimal at
 * the edge of the range on the same side, instead of failing the whole body. That value is far beyond
 * any limit a field sets, so the field's own check refuses it and names it: one bad number in a batch
 * refuses its item, not the batch.
 */
final class ExponentClampingParser extends JsonParserDelegate {
    private static final Pattern NUMBER = Pattern.compile("(-?)[0-9]*\\.?[0-9]*[eE]([+-]?)[0-9]+");

    ExponentClampingParser(JsonParser parser) {
        super(parser);
    }

    @Override
    public BigDecimal getDecimalValue() throws IOException {
        try {
            return super.getDecimalValue();
        } catch (NumberFormatException | ArithmeticException e) {
            return edgeOfRange(getText()).orElseThrow(() -> e);
        }
    }

    /** ±1e2147483647 for an exponent too large, ±1e-2147483647 for one too small; empty for anything else. */
    static java.util.Optional<BigDecimal> edgeOfRange(String text) {
        Matcher m = NUMBER.matcher(text == null ? "" : text);
        if (!m.matches()) return java.util.Optional.empty();
        BigInteger unscaled = m.group(1).isEmpty() ? BigInteger.ONE : BigInteger.ONE.negate();
        int scale = m.group(2).equals("-") ? Integer.MAX_VALUE : -Integer.MAX_VALUE;
        return java.util.Optional.of(new BigDecimal(unscaled, scale));
    }
}
