package dev.eventwire.support;

/**
 * What stored text may contain: valid Unicode (no lone surrogate, which could only be stored altered)
 * and, in identifiers and other single-line fields, no control characters.
 */
public final class TextRules {
    /** Characters as a person counts them (code points): an emoji is one, not the two UTF-16 units Java's length() counts. */
    public static int characters(String s) {
        return s.codePointCount(0, s.length());
    }

    private TextRules() {
    }

    /** True when every surrogate in {@code s} is part of a pair. */
    public static boolean isValidUnicode(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1))) return false;
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** True when {@code s} has no control character but line breaks and tabs (free text of several lines). */
    public static boolean hasOnlyLineControls(String s) {
        return s.chars().noneMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t');
    }

    /**
     * True when {@code s} holds a bidirectional formatting character (U+061C, U+200E, U+200F, U+202A–U+202E,
     * U+2066–U+2069): invisible, they make text display in an order other than the one it has.
     */
    public static boolean hasBidiControls(String s) {
        return s.chars().anyMatch(TextRules::isBidiControl);
    }

    /** True for one of the bidirectional formatting characters {@link #hasBidiControls} looks for. */
    public static boolean isBidiControl(int c) {
        return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
    }

    /** True for a zero-width character (U+200B–U+200D, U+2060, U+FEFF): present, and shown as nothing. */
    public static boolean isInvisibleFormat(int c) {
        return (c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF;
    }

    /**
     * True when {@code s} is a single line (as {@link #isPlainLine}) without bidirectional text controls: an
     * identifier that shows as what it is, in a listing or a receiver's log.
     */
    public static boolean isPlainIdentifier(String s) {
        return isPlainLine(s) && !hasBidiControls(s);
    }

    /** True when {@code s} is valid Unicode with no control character (C0, DEL, C1). */
    public static boolean isPlainLine(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isISOControl(s.charAt(i))) return false;
        }
        return isValidUnicode(s);
    }
}
