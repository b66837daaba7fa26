package dev.eventwire.support;

/**
 * A name from a request (a JSON field name), as an error message repeats it. A parser lets names be up to
 * 50,000 characters long: repeated whole in the message and the error's field, one such name made a 100 KB
 * answer. Long ones are cut, and say how long they were. Control characters and bidirectional text
 * controls are written as {@code \}{@code uXXXX}: repeated as they came, a U+202E reversed the rest of the
 * message wherever a client logs or shows it, and a newline split its log line.
 */
public final class Echo {
    static final int MAX_CODE_POINTS = 64;

    private Echo() {
    }

    public static String of(String name) {
        int length = name.codePointCount(0, name.length());
        if (length <= MAX_CODE_POINTS) return visible(name);
        return visible(name.substring(0, name.offsetByCodePoints(0, MAX_CODE_POINTS))) + "… (" + length + " characters)";
    }

    /** The whole text with its control characters written as escapes: a path in a log line, say. */
    public static String visible(String text) {
        if (TextRules.isPlainIdentifier(text)) return text;
        StringBuilder out = new StringBuilder(text.length() + 16);
        text.chars().forEach(c -> {
            if (Character.isISOControl(c) || TextRules.isBidiControl(c)) out.append(String.format("\\u%04X", c));
            else out.append((char) c);
        });
        return out.toString();
    }
}
