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

    @Test
    void aSignerThatSignedWithOneSecretSignsWithTheNextOneItIsGiven() {
        // One signer per process, each thread keeping the key it signed with last: the key must follow the secret.
        Signer shared = new Signer();
        String example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        String other = "whsec_c2VjcmV0LW9mLXNvbWVib2R5LWVsc2U=";
        String first = shared.sign(example, "msg_1", 1000, "{}");
        String second = shared.sign(other, "msg_1", 1000, "{}");
        String third = shared.sign(example, "msg_1", 1000, "{}");
        assertThat(second).isNotEqualTo(first).isEqualTo(new Signer().sign(other, "msg_1", 1000, "{}"));
        assertThat(third).isEqualTo(first).isEqualTo(new Signer().sign(example, "msg_1", 1000, "{}"));
    }

    @Test
    void theBodyIsSignedAsItsUtf8Bytes() {
        Signer signer = new Signer();
        String secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        String body = "{\"name\":\"Zoë 😀\"}";
        assertThat(signer.sign(secret, "msg_1", 1000, body))
                .isEqualTo(signer.sign(secret, "msg_1", 1000, body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
