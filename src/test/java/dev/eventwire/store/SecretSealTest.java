package dev.eventwire.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventwire.support.StoreConfigurationException;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SecretSealTest {
    private static final String K1 = key(1);
    private static final String K2 = key(2);
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    private static String key(int fill) {
        byte[] bytes = new byte[32];
        java.util.Arrays.fill(bytes, (byte) fill);
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static SecretSeal seal(String current, String previous) {
        return SecretSeal.fromKeys(Optional.ofNullable(current), Optional.ofNullable(previous));
    }

    @Test
    void withoutAKeySecretsAreStoredAsTheyAre() {
        SecretSeal none = SecretSeal.none();
        assertThat(none.sealing()).isFalse();
        assertThat(none.seal(SECRET)).isEqualTo(SECRET);
        assertThat(none.open(SECRET)).isEqualTo(SECRET);
        assertThat(none.stale(SECRET)).isFalse();
        assertThat(seal("", " ").sealing()).as("empty variables count as unset").isFalse();
    }

    @Test
    void aPreviousKeyAloneOpensWhatItSealedSealsNothingAndSaysSoAtStart() {
        String byK1 = seal(K1, null).seal(SECRET);
        SecretSeal previousOnly = seal(null, K1);
        assertThat(previousOnly.sealing()).isFalse();
        assertThat(previousOnly.open(byK1)).isEqualTo(SECRET);
        assertThat(previousOnly.seal(SECRET)).isEqualTo(SECRET);
        assertThat(previousOnly.stale(byK1)).as("not opened back into the clear at start").isFalse();
        assertThat(previousOnly.startNote()).hasValueSatisfying(note -> assertThat(note)
                .contains("EVENTWIRE_SECRET_KEY_PREVIOUS is set without EVENTWIRE_SECRET_KEY", byK1.split(":")[2], "stored as they are"));
        assertThat(seal(K1, null).startNote()).isEmpty();
        assertThat(SecretSeal.none().startNote()).isEmpty();
    }

    @Test
    void aSealedSecretHidesTheSecretAndOpensWithItsKey() {
        SecretSeal k1 = seal(K1, null);
        String stored = k1.seal(SECRET);
        assertThat(stored).startsWith("sealed:v1:").doesNotContain(SECRET).doesNotContain(SECRET.substring(6));
        assertThat(k1.seal(SECRET)).as("a fresh nonce each time").isNotEqualTo(stored);
        assertThat(k1.open(stored)).isEqualTo(SECRET);
        assertThat(k1.open(SECRET)).as("a secret stored before the key was set").isEqualTo(SECRET);
        assertThat(k1.stale(SECRET)).isTrue();
        assertThat(k1.stale(stored)).isFalse();
        assertThat(k1.seal(null)).isNull();
    }

    @Test
    void aNewKeyOpensWhatThePreviousSealedAndCallsItStale() {
        String byK1 = seal(K1, null).seal(SECRET);
        SecretSeal rotated = seal(K2, K1);
        assertThat(rotated.open(byK1)).isEqualTo(SECRET);
        assertThat(rotated.stale(byK1)).isTrue();
        String byK2 = rotated.seal(SECRET);
        assertThat(rotated.stale(byK2)).isFalse();
        assertThat(seal(K2, null).open(byK2)).isEqualTo(SECRET);
        assertThat(seal(K1, K2).open(byK2)).as("a key given as previous opens too, before it becomes the current one").isEqualTo(SECRET);
    }

    @Test
    void aSecretSealedWithAnotherKeyOrAlteredDoesNotOpenAndSaysWhatToDo() {
        String byK1 = seal(K1, null).seal(SECRET);
        assertThatThrownBy(() -> SecretSeal.none().open(byK1)).isInstanceOf(StoreConfigurationException.class)
                .hasMessageContaining("EVENTWIRE_SECRET_KEY is not set");
        assertThatThrownBy(() -> seal(K2, null).open(byK1)).isInstanceOf(StoreConfigurationException.class)
                .hasMessageContaining("which neither EVENTWIRE_SECRET_KEY nor EVENTWIRE_SECRET_KEY_PREVIOUS is");
        int at = byK1.lastIndexOf(':') + 20; // inside the ciphertext
        String altered = byK1.substring(0, at) + (byK1.charAt(at) == 'A' ? 'B' : 'A') + byK1.substring(at + 1);
        assertThatThrownBy(() -> seal(K1, null).open(altered)).isInstanceOf(StoreConfigurationException.class)
                .hasMessageContaining("altered or damaged");
    }
}
