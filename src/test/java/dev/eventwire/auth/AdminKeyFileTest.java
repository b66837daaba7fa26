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
        assertThat(resolve(Optional.of(""))).as("an empty variable counts as unset").isEqualTo(generated);
    }

    /** A variable of spaces had a new key generated, as if unset; a folder named admin.key exited 75, as an I/O error a restart may cure. */
    @Test
    void spacesInTheVariableOrAFolderWhereTheFileBelongsAreRefused() throws Exception {
        assertThatThrownBy(() -> resolve(Optional.of("   "))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("EVENTWIRE_ADMIN_KEY holds only spaces; give a key of at least 24 characters, or leave the variable empty to have one generated.");
        assertThat(Files.exists(dir.resolve("admin.key"))).as("nothing generated").isFalse();
        Files.createDirectory(dir.resolve("admin.key"));
        assertThatThrownBy(() -> AdminKeyFile.check(Optional.empty(), dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(dir.resolve("admin.key").toAbsolutePath() + " is a folder; the admin key file must be a file");
    }
}
