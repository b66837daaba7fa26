package dev.eventwire.support;

/**
 * A name from a request (a JSON field name), as an error message repeats it. A parser lets names be up to
 * 50,000 characters long: repeated whole in the message and the error's field, one such name made a 100 KB
 * answer. Long ones are cut, and say how long they were.
 */
public final class Echo {
    static final int MAX_CODE_POINTS = 64;

    private Echo() {
    }

    public static String of(String name) {
        int length = name.codePointCount(0, name.length());
        if (length <= MAX_CODE_POINTS) return name;
        return name.substring(0, name.offsetByCodePoints(0, MAX_CODE_POINTS)) + "… (" + length + " characters)";
    }
}
