package dev.eventwire.delivery;

/** Why an attempt was made, as shown in the attempt log. */
public enum Trigger {
    /** Right after the event was accepted. */
    INLINE,
    /** By the retry schedule. */
    RETRY,
    /** After a retry or recover call. */
    MANUAL,
    /** {@code POST /v1/webhooks/{id}/test}. */
    TEST;

    public String wireName() {
        return name().toLowerCase();
    }

    public static Trigger fromWire(String name) {
        return valueOf(name.toUpperCase());
    }
}
