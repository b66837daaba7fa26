package dev.eventwire.auth;

/** Who made a request. */
public sealed interface Principal {
    record Admin() implements Principal {
    }

    record Tenant(String tenant, String keyId) implements Principal {
    }
}
