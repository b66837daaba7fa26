package dev.eventwire.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SignerTest {
    @Test
    void matchesTheStandardWebhooksExampleVector() {
        String signature = new Signer().sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L,
                "{\"test\": 2432232314}");
        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void signatureCoversTheTimestamp() {
        Signer signer = new Signer();
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        assertThat(signer.sign(secret, "msg_1", 1000, "{}")).isNotEqualTo(signer.sign(secret, "msg_1", 1001, "{}"));
    }
}
