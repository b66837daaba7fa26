package dev.eventwire.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations written as {@code 500ms}, {@code 5s}, {@code 5m}, {@code 2h}, {@code 1d}, alone or comma-separated. */
public final class DurationList {
    private static final Pattern ONE = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private DurationList() {
    }

    public static Duration parseOne(String text) {
        Matcher m = ONE.matcher(text.strip());
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

    public static List<Duration> parse(String text) {
        List<Duration> out = new ArrayList<>();
        for (String part : text.split(",")) {
            if (!part.isBlank()) out.add(parseOne(part));
        }
        return out;
    }
}
