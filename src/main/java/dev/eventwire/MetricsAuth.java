package dev.eventwire;

/** Who may read {@code GET /metrics}: anyone who reaches the port (the default), or only the admin key. */
public enum MetricsAuth {
    NONE, ADMIN;

    /**
     * From {@code --metrics-auth}: exactly {@code none} or {@code admin}, as the log format is read. Anything
     * else — another case, an empty value a template left — is refused rather than read as {@code none}, which
     * would open the metrics to anyone. The refusal leaves naming the option to its caller.
     */
    public static MetricsAuth parse(String text) {
        return switch (text == null ? "" : text) {
            case "none" -> NONE;
            case "admin" -> ADMIN;
            default -> throw new IllegalArgumentException("must be none or admin (got '" + text + "')");
        };
    }
}
