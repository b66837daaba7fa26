package dev.eventwire.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations written as {@code 500ms}, {@code 5s}, {@code 5m}, {@code 2h}, {@code 1d}, alone or comma-separated. */
public final class Durations {
    private static final Pattern ONE = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private Durations() {
    }

    /** Exactly digits and a unit: " 24h" or "24h " is refused, as the API's document and the options' ranges say. */
    public static Duration parseOne(String text) {
        Matcher m = ONE.matcher(text);
        if (!m.matches()) throw new IllegalArgumentException("'" + text + "' is not a duration such as 500ms, 5s, 5m, 2h or 1d");
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** Whether the text is written as a duration is (digits and a unit), whatever its size. */
    public static boolean isWrittenAsOne(String text) {
        return ONE.matcher(text).matches();
    }

    /** The duration, or empty when the text is not one or is too large to hold. */
    public static Optional<Duration> parse(String text) {
        try {
            return Optional.of(parseOne(text));
        } catch (IllegalArgumentException | ArithmeticException e) {
            return Optional.empty();
        }
    }

    /** The duration in the largest unit that holds it whole, as {@link #parseOne} reads it: {@code 36500d}, {@code 90s}. */
    public static String format(Duration duration) {
        long ms = duration.toMillis();
        if (ms != 0 && ms % 86_400_000 == 0) return ms / 86_400_000 + "d";
        if (ms != 0 && ms % 3_600_000 == 0) return ms / 3_600_000 + "h";
        if (ms != 0 && ms % 60_000 == 0) return ms / 60_000 + "m";
        if (ms % 1000 == 0) return ms / 1000 + "s";
        return ms + "ms";
    }

    public static List<Duration> parseList(String text) {
        List<Duration> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) out.add(parseOne(part));
        }
        return out;
    }
}
