package dev.eventwire.store;

import dev.eventwire.support.SecretKeyMissingException;
import dev.eventwire.support.StoreConfigurationException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook signing secrets as the store keeps them. Without a key they are stored as they are. With one
 * ({@value #VARIABLE}) they are sealed with AES-256-GCM: {@code sealed:v1:<key id>:<base64 of nonce and
 * ciphertext>}, the key id being the first 8 hex digits of the key's SHA-256, so a copy of the database or
 * a backup does not give away the secrets. A second key ({@value #PREVIOUS_VARIABLE}) is opened too, for
 * changing keys (docs/secrets-at-rest.md). Secrets stored before a key was set are read as they are, and
 * sealed at the next start.
 */
public final class SecretSeal {
    public static final String VARIABLE = "EVENTWIRE_SECRET_KEY";
    public static final String PREVIOUS_VARIABLE = "EVENTWIRE_SECRET_KEY_PREVIOUS";
    static final String PREFIX = "sealed:v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    /** Binds a sealed value to its use: a value sealed for something else under the same key does not open as a secret. */
    private static final byte[] PURPOSE = "eventwire webhook secret".getBytes(StandardCharsets.US_ASCII);

    private final Optional<Key> current;
    /** Every key that opens, by id: the current one and the previous one. */
    private final Map<String, Key> opening;
    private final SecureRandom random = new SecureRandom();
    /** The id of a key a stored secret was sealed with and this process lacks, once one was met (it stays: keys come only with a restart). */
    private volatile String missingKeyId;

    private record Key(String id, SecretKeySpec spec) {
        static Key of(byte[] bytes) {
            return new Key(dev.eventwire.support.Sha256.hex(bytes).substring(0, 8), new SecretKeySpec(bytes, "AES"));
        }
    }

    private SecretSeal(Optional<Key> current, Optional<Key> previous) {
        this.current = current;
        Map<String, Key> keys = new LinkedHashMap<>();
        current.ifPresent(k -> keys.put(k.id(), k));
        previous.ifPresent(k -> keys.putIfAbsent(k.id(), k));
        this.opening = Map.copyOf(keys);
    }

    /** Secrets stored as they are (no key set). */
    public static SecretSeal none() {
        return new SecretSeal(Optional.empty(), Optional.empty());
    }

    /**
     * From the two variables' values (unset or empty: none). Each must be 32 bytes in base64, as
     * {@code openssl rand -base64 32} prints. A previous key without a current one opens what it sealed and
     * seals nothing: the first step of giving replicas that ran without a key one (the first replica started
     * with a current key seals every row, and a replica holding no key could then read none).
     */
    public static SecretSeal fromKeys(Optional<String> currentKey, Optional<String> previousKey) {
        Optional<Key> current = currentKey.filter(k -> !k.isBlank()).map(k -> Key.of(decode(VARIABLE, k)));
        Optional<Key> previous = previousKey.filter(k -> !k.isBlank()).map(k -> Key.of(decode(PREVIOUS_VARIABLE, k)));
        return new SecretSeal(current, previous);
    }

    /** What a start with these keys should tell the operator, when it is not the plain case (no key, or a current one). */
    public Optional<String> startNote() {
        if (current.isPresent() || opening.isEmpty()) return Optional.empty();
        return Optional.of(PREVIOUS_VARIABLE + " is set without " + VARIABLE + ": webhook secrets sealed with it (key " + String.join(", ", opening.keySet())
                + ") are opened, new ones are stored as they are until " + VARIABLE + " is set");
    }

    private static byte[] decode(String variable, String value) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(value.strip());
        } catch (IllegalArgumentException e) {
            bytes = new byte[0];
        }
        if (bytes.length != 32) {
            throw new IllegalArgumentException(variable + " must be 32 random bytes in base64, as `openssl rand -base64 32` prints (got "
                    + value.strip().length() + " characters)");
        }
        return bytes;
    }

    /** The id of the current key, which every replica sharing a store should hold; empty without one. */
    public Optional<String> currentKeyId() {
        return current.map(Key::id);
    }

    /** The id of a key stored secrets were found sealed with that this process does not hold; empty while none was met. */
    public Optional<String> missingKeyId() {
        return Optional.ofNullable(missingKeyId);
    }

    /** Whether secrets are sealed before they are stored. */
    public boolean sealing() {
        return current.isPresent();
    }

    /** What to store for {@code secret}: sealed with the current key, or the secret itself without one. */
    public String seal(String secret) {
        if (secret == null || current.isEmpty()) return secret;
        Key key = current.get();
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.spec(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(PURPOSE);
            byte[] sealed = cipher.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return PREFIX + key.id() + ":" + Base64.getEncoder().encodeToString(ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every JDK", e);
        }
    }

    /** The secret a stored value holds. */
    public String open(String stored) {
        if (stored == null || !stored.startsWith(PREFIX)) return stored;
        int colon = stored.indexOf(':', PREFIX.length());
        String id = colon < 0 ? "" : stored.substring(PREFIX.length(), colon);
        Key key = opening.get(id);
        if (key == null) {
            missingKeyId = id;
            throw new SecretKeyMissingException(opening.isEmpty()
                    ? "webhook secrets in the store are sealed (key " + id + ") and " + VARIABLE + " is not set: start with the key they were sealed with"
                    : "a webhook secret in the store is sealed with key " + id + ", which neither " + VARIABLE + " nor " + PREVIOUS_VARIABLE
                    + " is (their ids: " + String.join(", ", opening.keySet()) + "): start with the key it was sealed with");
        }
        try {
            byte[] all = Base64.getDecoder().decode(stored.substring(colon + 1));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.spec(), new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(PURPOSE);
            return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new StoreConfigurationException("a webhook secret in the store does not open with key " + id + ": the value was altered or damaged", e);
        }
    }

    /** Whether a stored value should be sealed again: stored as it is, or sealed with a key other than the current one. */
    public boolean stale(String stored) {
        if (stored == null || current.isEmpty()) return false;
        return !stored.startsWith(PREFIX + current.get().id() + ":");
    }
}
