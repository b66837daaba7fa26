package dev.eventwire.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,} + base64(HMAC-SHA256(key, id.timestamp.body)).
 * Every delivery attempt signs, so each thread keeps one {@link Mac} (looking one up in the JCA providers
 * costs more than the HMAC of a typical payload) and the secret it was last keyed with: a Mac keeps its
 * key after each signature, so a thread signing for the same webhook again neither decodes the secret nor
 * re-keys.
 */
public final class Signer {
    public static final String SECRET_PREFIX = "whsec_";
    private static final byte[] DOT = {'.'};

    private final ThreadLocal<KeyedMac> macs = ThreadLocal.withInitial(KeyedMac::new);

    public String sign(String secret, String messageId, long timestampSeconds, String body) {
        return sign(secret, messageId, timestampSeconds, body.getBytes(StandardCharsets.UTF_8));
    }

    /** Signs the body as it goes on the wire (its UTF-8 bytes). */
    public String sign(String secret, String messageId, long timestampSeconds, byte[] body) {
        Mac mac = macs.get().keyedWith(secret);
        mac.update(messageId.getBytes(StandardCharsets.UTF_8));
        mac.update(DOT);
        mac.update(Long.toString(timestampSeconds).getBytes(StandardCharsets.US_ASCII));
        mac.update(DOT);
        byte[] digest = mac.doFinal(body);
        return "v1," + Base64.getEncoder().encodeToString(digest);
    }

    /** One thread's Mac and the secret it holds the key of. */
    private static final class KeyedMac {
        private final Mac mac = newMac();
        private String secret;

        Mac keyedWith(String wanted) {
            if (wanted.equals(secret)) return mac;
            byte[] key = Base64.getDecoder().decode(wanted.startsWith(SECRET_PREFIX) ? wanted.substring(SECRET_PREFIX.length()) : wanted);
            try {
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
            } catch (InvalidKeyException e) {
                throw new IllegalStateException("an HMAC accepts keys of any length", e);
            }
            secret = wanted;
            return mac;
        }
    }

    private static Mac newMac() {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
