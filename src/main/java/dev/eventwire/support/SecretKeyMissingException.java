package dev.eventwire.support;

/**
 * A webhook secret in the store is sealed with a key this process was not started with. At start that stops
 * {@code serve} like any configuration that cannot work (exit 2); later — another replica sealed the rows
 * with a key this one lacks — requests that need a secret answer 503 and {@code /health} says why, so a load
 * balancer takes the replica out until it is restarted with the key.
 */
public final class SecretKeyMissingException extends StoreConfigurationException {
    public SecretKeyMissingException(String message) {
        super(message, null);
    }
}
