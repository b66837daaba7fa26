package dev.eventwire.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventwire.support.Ids;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin key rule at its edge, for both ways of giving a key; a generated key passes it and is kept. */
class AdminKeyFileTest {
    @TempDir
    Path dir;

    private String resolve(Optional<String> configured) {
        return AdminKeyFile.resolve(configured, dir, new Ids(Clock.systemUTC()), message -> { });
    }

    @Test
    void twentyFourCharactersAreEnoughAndTwentyThreeAreNot() throws Exception {
        assertThat(resolve(Optional.of("x".repeat(24)))).hasSize(24);
        assertThatThrownBy(() -> resolve(Optional.of("x".repeat(23)))).hasMessageStartingWith("EVENTWIRE_ADMIN_KEY must be at least 24 characters (got 23)");
        Files.writeString(dir.resolve("admin.key"), "y".repeat(23) + "\n");
        assertThatThrownBy(() -> resolve(Optional.empty())).hasMessageStartingWith(dir.resolve("admin.key").toAbsolutePath() + " must hold at least 24");
        Files.writeString(dir.resolve("admin.key"), "y".repeat(24) + "\n");
        assertThat(resolve(Optional.empty())).isEqualTo("y".repeat(24));
    }

    @Test
    void aGeneratedKeyPassesTheRuleAndIsReadBackNextTime() {
        String generated = resolve(Optional.empty());
        assertThat(generated.length()).isGreaterThanOrEqualTo(AdminKeyRule.MIN_LENGTH);
        assertThat(resolve(Optional.empty())).isEqualTo(generated);
        assertThat(resolve(Optional.of("  "))).as("an empty variable counts as unset").isEqualTo(generated);
    }
}
