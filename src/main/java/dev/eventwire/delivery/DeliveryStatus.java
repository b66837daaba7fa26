package dev.eventwire.delivery;

public enum DeliveryStatus {
    PENDING, DELIVERED, DEAD;

    public String wireName() {
        return name().toLowerCase();
    }

    public static java.util.Optional<DeliveryStatus> fromWire(String name) {
        for (DeliveryStatus s : values()) {
            if (s.wireName().equals(name)) return java.util.Optional.of(s);
        }
        return java.util.Optional.empty();
    }
}
