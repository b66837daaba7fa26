package dev.eventwire.support;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Timestamps a client may send (RFC 3339 with an offset) and the range the service accepts:
 * from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59Z. Anything outside is refused with 422 rather than
 * overflowing a microsecond count somewhere below.
 */
public final class Timestamps {
    public static final Instant EARLIEST = Instant.EPOCH;
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    private Timestamps() {
    }

    /**
     * RFC 3339's date-time: seconds always, a fraction of any length (digits past the ninth are dropped
     * here, past the sixth when stored), and an offset of Z or ±hh:mm. Java's ISO parser alone also takes
     * 12:00Z (no seconds), 12:00:00.Z, +05 and +05:30:15, and refuses a fraction longer than nine digits.
     */
    private static final java.util.regex.Pattern RFC_3339 = java.util.regex.Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2})(?:\\.(\\d{1,9})\\d*)?(?:[Zz]|([+-])(\\d{2}):(\\d{2}))");

    /**
     * The instant, or empty when the text is not RFC 3339 with an offset. The offset is applied here, not
     * by Java's offset type, which stops at ±18:00 where RFC 3339 allows up to ±23:59.
     */
    public static Optional<Instant> parse(String text) {
        if (text == null) return Optional.empty();
        java.util.regex.Matcher m = RFC_3339.matcher(text);
        if (!m.matches()) return Optional.empty();
        try {
            String fraction = m.group(2) == null ? "" : "." + m.group(2);
            Instant local = java.time.LocalDateTime.parse(m.group(1).replace('t', 'T') + fraction, DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                    .toInstant(java.time.ZoneOffset.UTC);
            if (m.group(3) == null) return Optional.of(local);
            int hours = Integer.parseInt(m.group(4));
            int minutes = Integer.parseInt(m.group(5));
            if (hours > 23 || minutes > 59) return Optional.empty();
            long offsetSeconds = (hours * 3600L + minutes * 60L) * (m.group(3).equals("-") ? -1 : 1);
            return Optional.of(local.minusSeconds(offsetSeconds));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    public static boolean inRange(Instant at) {
        return !at.isBefore(EARLIEST) && !at.isAfter(LATEST);
    }

    /**
     * Why {@code text} is refused, as a sentence about the field {@code name}: what is accepted, and for a
     * leap second (valid RFC 3339, so "must be RFC 3339" would be wrong) what to send instead.
     */
    public static String formatProblem(String name, String text) {
        java.util.regex.Matcher m = text == null ? null : RFC_3339.matcher(text);
        if (m != null && m.matches()) {
            // The shape is right: say which part names something that does not exist, rather than repeat the format.
            String dateTime = m.group(1);
            String date = dateTime.substring(0, 10);
            try {
                java.time.LocalDate.parse(date);
            } catch (DateTimeParseException e) {
                return name + " names a day that does not exist (" + date + "): months run 01 to 12 and have 28 to 31 days.";
            }
            String time = dateTime.substring(11);
            if (isLeapSecond(time, m.group(3), m.group(4), m.group(5))) {
                return name + " is a leap second (" + time + "), which is not accepted: send " + time.substring(0, 6) + "59 instead.";
            }
            if (Integer.parseInt(time.substring(0, 2)) > 23 || Integer.parseInt(time.substring(3, 5)) > 59 || Integer.parseInt(time.substring(6, 8)) > 59) {
                return name + " names a time that does not exist (" + time + "): hours run 00 to 23, minutes and seconds 00 to 59.";
            }
            if (m.group(3) != null) {
                return name + " has an offset that does not exist (" + m.group(3) + m.group(4) + ":" + m.group(5) + "): hours run 00 to 23, minutes 00 to 59.";
            }
        }
        return name + " must be an RFC 3339 timestamp with seconds and an offset (Z or ±hh:mm), such as 2026-01-31T12:00:00Z.";
    }

    /**
     * Whether {@code time} (hh:mm:ss, local to the offset) is a leap second, which RFC 3339 allows and this
     * service does not (no clock it or its clients keep has one): second 60 of the last minute of a UTC day,
     * 23:59:60Z or, at +01:00, 00:59:60. Any other second 60 names a time that does not exist.
     */
    private static boolean isLeapSecond(String time, String sign, String offsetHours, String offsetMinutes) {
        if (!time.endsWith(":60")) return false;
        int hour = Integer.parseInt(time.substring(0, 2));
        int minute = Integer.parseInt(time.substring(3, 5));
        int offsetHour = sign == null ? 0 : Integer.parseInt(offsetHours);
        int offsetMinute = sign == null ? 0 : Integer.parseInt(offsetMinutes);
        if (hour > 23 || minute > 59 || offsetHour > 23 || offsetMinute > 59) return false; // no time or offset at all: said so after
        int offset = (offsetHour * 60 + offsetMinute) * ("-".equals(sign) ? -1 : 1);
        return Math.floorMod(hour * 60 + minute - offset, 24 * 60) == 24 * 60 - 1;
    }

    /** Parses a query or body parameter, or throws 422 naming it. */
    public static Instant parameter(String name, String text) {
        Instant at = parse(text).orElseThrow(() -> ApiException.invalid("invalid_format", formatProblem(name, text), name));
        if (!inRange(at)) {
            throw ApiException.invalid("out_of_range", name + " must be between 1970-01-01T00:00:00Z and 9999-12-31T23:59:59Z.", name);
        }
        return at.truncatedTo(java.time.temporal.ChronoUnit.MICROS); // as stored: digits past the sixth are dropped from every timestamp alike
    }
}
