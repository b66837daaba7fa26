package dev.eventwire.support;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** A receiver's independent check of a Standard Webhooks signature. */
public final class StandardWebhooks {
    private StandardWebhooks() {
    }

    public static boolean verifies(String secret, Receiver.Received r) {
        try {
            byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            String signed = r.header("webhook-id") + "." + r.header("webhook-timestamp") + "." + r.body();
            String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
            for (String candidate : r.header("webhook-signature").split(" ")) {
                if (candidate.equals(expected)) return true;
            }
            return false;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
