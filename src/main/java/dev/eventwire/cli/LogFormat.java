package dev.eventwire.cli;

/**
 * EVENTWIRE_LOG_FORMAT picks the log appender in logback.xml ({@code text} or {@code json}). Logback
 * would silently log nothing for another value, so {@code serve} refuses one at start instead.
 */
final class LogFormat {
    static final String VARIABLE = "EVENTWIRE_LOG_FORMAT";

    private LogFormat() {
    }

    static void check(String value) {
        if (value == null || value.equals("text") || value.equals("json")) return;
        throw new IllegalArgumentException(VARIABLE + " must be text or json (got '" + value + "')");
    }
}
