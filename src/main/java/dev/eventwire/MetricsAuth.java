package dev.eventwire;

import java.util.Locale;

/** Who may read {@code GET /metrics}: anyone who reaches the port (the default), or only the admin key. */
public enum MetricsAuth {
    NONE, ADMIN;

    /** From {@code --metrics-auth}: empty or {@code none}, or {@code admin}; the refusal leaves naming the option to its caller. */
    public static MetricsAuth parse(String text) {
        String value = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "", "none" -> NONE;
            case "admin" -> ADMIN;
            default -> throw new IllegalArgumentException("must be none or admin (got '" + text + "')");
        };
    }
}
