package dev.eventwire.cli;

import dev.eventwire.support.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One number or duration option, and the environment variable that sets it by default if any, read
 * within the range it can work with. A value outside that range would start a server that fails later
 * and quietly (a retention of 292 billion years overflowed every background pass), or a benchmark that
 * dies with a stack trace or never ends, so it is refused at start with one line naming the option, the
 * variable and the range.
 */
record BoundedOption(String option, String variable) {

    /** An option of {@code demo} or {@code bench}, which no environment variable sets. */
    static BoundedOption commandLine(String option) {
        return new BoundedOption(option, null);
    }

    /** A duration from {@code min} to {@code max}, both included. */
    Duration duration(String text, Duration min, Duration max) {
        return Durations.parse(text).filter(d -> d.compareTo(min) >= 0 && d.compareTo(max) <= 0)
                .orElseThrow(() -> refused(text, "a duration from " + Durations.format(min) + " to " + Durations.format(max) + written(text)));
    }

    /** How durations are written, for a value that is not one at all: "1.5s" looked in range and was refused without a word why. */
    private static String written(String text) {
        return Durations.isWrittenAsOne(text) ? "" : ", written as a whole number and a unit (ms, s, m, h or d) with nothing around them, such as 1500ms or 90s";
    }

    /** Comma-separated durations, each from {@code min} to {@code max}, at least one and at most {@code maxCount}. */
    List<Duration> durations(String text, Duration min, Duration max, int maxCount) {
        String range = "1 to " + maxCount + " comma-separated durations, each from " + Durations.format(min) + " to " + Durations.format(max);
        List<Duration> out = new ArrayList<>();
        // -1 keeps empty entries, trailing ones too: "5s,,5m" is refused rather than read as two delays. Spaces
        // around an entry are left out ("5s, 5m"), as in the other comma-separated options.
        for (String part : text.split(",", -1)) {
            String entry = part.strip();
            out.add(Durations.parse(entry).filter(d -> d.compareTo(min) >= 0 && d.compareTo(max) <= 0)
                    .orElseThrow(() -> refused(text, range + written(entry))));
        }
        if (out.isEmpty() || out.size() > maxCount) throw refused(text, range);
        return out;
    }

    /** A value {@code parse} reads, or refuses in its own words ("must be none or admin (got 'x')"), which then name this option. */
    <T> T parsed(String text, Function<String, T> parse) {
        try {
            return parse.apply(text);
        } catch (IllegalArgumentException e) {
            throw new OptionValueException(named() + " " + e.getMessage(), e);
        }
    }

    /** A whole number from {@code min} to {@code max}, written in ASCII digits with nothing around them (as a duration). */
    long whole(String text, long min, long max) {
        // ASCII only: Long.parseLong would also take a leading '+' or fullwidth digits.
        if (!text.matches("[0-9]{1,18}")) throw refused(text, "a whole number from " + min + " to " + max);
        long value = Long.parseLong(text);
        if (value < min || value > max) throw refused(text, "a whole number from " + min + " to " + max);
        return value;
    }

    /** A whole number as {@link #whole}, as an int. */
    int wholeInt(String text, int min, int max) {
        return (int) whole(text, min, max);
    }

    private OptionValueException refused(String text, String range) {
        return new OptionValueException(named() + " must be " + range + " (got '" + text + "')", null);
    }

    private String named() {
        return variable == null ? option : option + " (or " + variable + ")";
    }

    /** A value outside its option's range: one line and exit 2, like any other mistake on the command line. */
    static final class OptionValueException extends IllegalArgumentException {
        OptionValueException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
