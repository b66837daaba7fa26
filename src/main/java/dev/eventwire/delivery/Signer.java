package dev.eventwire.delivery;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,} + base64(HMAC-SHA256(key, id.timestamp.body)).
 * Every delivery attempt signs, so each thread keeps one {@link Mac} and re-keys it per signature
 * (looking a Mac up in the JCA providers costs more than the HMAC of a typical payload).
 */
public final class Signer {
    public static final String SECRET_PREFIX = "whsec_";
    private static final byte[] DOT = {'.'};

    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(Signer::newMac);

    public String sign(String secret, String messageId, long timestampSeconds, String body) {
        byte[] key = Base64.getDecoder().decode(secret.startsWith(SECRET_PREFIX) ? secret.substring(SECRET_PREFIX.length()) : secret);
        Mac mac = macs.get();
        try {
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (InvalidKeyException e) {
            throw new IllegalStateException("an HMAC accepts keys of any length", e);
        }
        mac.update(messageId.getBytes(StandardCharsets.UTF_8));
        mac.update(DOT);
        mac.update(Long.toString(timestampSeconds).getBytes(StandardCharsets.US_ASCII));
        mac.update(DOT);
        byte[] digest = mac.doFinal(body.getBytes(StandardCharsets.UTF_8));
        return "v1," + Base64.getEncoder().encodeToString(digest);
    }

    private static Mac newMac() {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
