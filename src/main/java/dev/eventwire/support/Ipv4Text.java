package dev.eventwire.support;

/**
 * How an IPv4 address may be written here: four decimal numbers from 0 to 255 without leading zeros.
 * The other forms resolvers take ({@code 127.1}, {@code 2130706433}, {@code 0x7f000001},
 * {@code 0177.0.0.1}) are read differently by different resolvers and parsers, so what one part of the
 * service checks need not be what another connects to.
 */
public final class Ipv4Text {
    /** Why a refusal of such a form is not pedantry, in the words every refusal of one uses. */
    public static final String WHY_FULL_FORM = "short, decimal, octal and hex forms are read differently by different programs";

    private Ipv4Text() {
    }

    /** A host of numbers only that is not a plain dotted quad: a decimal, hex, octal or shortened IPv4 address. */
    public static boolean isShorthand(String host) {
        String[] labels = host.split("\\.", -1);
        for (String label : labels) {
            if (!label.matches("(?i)[0-9]+|0x[0-9a-f]*")) return false; // a name (or an IPv6 literal)
        }
        if (labels.length != 4) return true;
        for (String label : labels) {
            if (!label.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(label) > 255) return true;
        }
        return false;
    }
}
