package dev.eventwire.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every way an operator writes the database address reaches the driver right, and no message shows its password. */
class DatabaseUrlTest {
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path dir;

    @Test
    void credentialsGoToTheDriverAsPropertiesInEveryForm() {
        for (String written : new String[] {"postgresql://ew:S3cret%40PW@db.internal:6432/events?sslmode=require",
                "postgres://ew:S3cret%40PW@db.internal:6432/events?sslmode=require",
                "jdbc:postgresql://ew:S3cret%40PW@db.internal:6432/events?sslmode=require"}) {
            DatabaseUrl url = DatabaseUrl.parse(written);
            assertThat(url.jdbcUrl()).as(written).isEqualTo("jdbc:postgresql://db.internal:6432/events?sslmode=require");
            assertThat(url.user()).contains("ew");
            assertThat(url.password()).contains("S3cret@PW");
            assertThat(url.redacted()).doesNotContain("S3cret");
        }
    }

    @Test
    void aJdbcUrlWithoutCredentialsIsPassedAsWritten() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://db1:5432,db2:5432/events?targetServerType=primary&password=pw1");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db1:5432,db2:5432/events?targetServerType=primary&password=pw1");
        assertThat(url.redacted()).doesNotContain("pw1");
    }

    @Test
    void aHostNameWithAnUnderscoreAsContainerServicesHaveIsAccepted() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://ew:pw@event_db/eventwire");
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://event_db:5432/eventwire");
        assertThat(url.user()).contains("ew");
        assertThat(DatabaseUrl.parse("postgresql://[::1]:5433/x").jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]:5433/x");
        assertThat(DatabaseUrl.parse("postgresql://localhost").jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/");
    }

    /**
     * No database in the URL is the one named like the user, as psql reads the same URL: without the slash
     * the maintenance database "postgres" was used, and with it the user's, so two replicas whose URLs
     * differed by a slash wrote to two databases.
     */
    @Test
    void withoutADatabaseTheUsersOneIsUsedWithOrWithoutTheSlash() {
        assertThat(DatabaseUrl.parse("postgresql://eventwire:pw@db:5432").jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/eventwire");
        assertThat(DatabaseUrl.parse("postgresql://eventwire:pw@db:5432/").jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/eventwire");
        assertThat(DatabaseUrl.parse("postgresql://ops%20team:pw@db").jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/ops%20team");
    }

    /** A base64 password (openssl rand -base64) holds + and /: a + was read as a space, and the password refused. */
    @Test
    void aPlusInThePasswordIsAPlus() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://ew:a+b%2Bc%2Fd%20e@db/ew");
        assertThat(url.password()).contains("a+b+c/d e");
    }

    @Test
    void severalHostsAreTakenAsLibpqTakesThem() {
        assertThat(DatabaseUrl.parse("postgresql://ew:pw@db1,db2:6432/ew?targetServerType=primary").jdbcUrl())
                .isEqualTo("jdbc:postgresql://db1:5432,db2:6432/ew?targetServerType=primary");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://ew:pw@db1,/ew")).hasMessage("the database URL names no host");
    }

    /** A log line once read "the database ... does not answer: EOFException". */
    @Test
    void aCauseWithoutAMessageIsSaidInWordsNotByItsClass() {
        assertThat(PgDatabase.why(new java.sql.SQLException("I/O", "08006", new java.io.EOFException())))
                .isEqualTo("the connection was closed in mid-answer");
        assertThat(PgDatabase.why(new RuntimeException(new java.net.SocketTimeoutException()))).isEqualTo("no answer in time");
    }

    @Test
    void anUnencodedCharacterInThePasswordIsExplained() {
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://ew:p@ss w#rd@db/ew")).hasMessageContaining("percent-encoded")
                .hasMessageNotContaining("w#rd");
    }

    @Test
    void addressesWithNoHostOrABadOneAreRefusedInWords() {
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://ew:pw@/db")).hasMessage("the database URL names no host");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql:///db")).hasMessage("the database URL names no host");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://ew:pw@db host/x")).hasMessageNotContaining("pw");
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://db/x")).hasMessageContaining("must start with");
    }

    @Test
    void whatCouldNeverConnectIsRefusedBeforeConnectingNotReportedAsADatabaseThatIsDown() throws Exception {
        // Each of these reached the driver, failed only when connecting, and the start exited 75 (start again later).
        for (String port : new String[] {"postgresql://ew:pw@127.0.0.1:99999/ew", "jdbc:postgresql://127.0.0.1:0/ew",
                "jdbc:postgresql://db1:5432,db2:70000/ew", "jdbc:postgresql://[::1]:123456/ew", "jdbc:postgresql://db:/ew"}) {
            assertThatThrownBy(() -> DatabaseUrl.parse(port)).as(port).hasMessageStartingWith("the database URL's port must be 1 to 65535");
        }
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://ew:pw@db/ew?sslmode=bogus")).hasMessageContaining("sslmode must be one of");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://ew:pw@db/ew?sslmod=require")).hasMessageContaining("does not know: sslmod");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://ew:pw@db/ew?socketFactory=java.lang.String"))
                .hasMessageContaining("may not name a class").hasMessageNotContaining("pw");
        assertThatThrownBy(() -> DatabaseUrl.parse("jdbc:postgresql://db/ew?sslfactory=org.postgresql.ssl.NonValidatingFactory"))
                .hasMessageContaining("may not name a class");

        java.nio.file.Path ca = java.nio.file.Files.writeString(dir.resolve("ca.pem"), "a root certificate");
        assertThat(DatabaseUrl.parse("postgresql://ew:pw@db:65535/ew?sslmode=verify-full&sslrootcert=" + ca + "&connectTimeout=5").jdbcUrl())
                .isEqualTo("jdbc:postgresql://db:65535/ew?sslmode=verify-full&sslrootcert=" + ca + "&connectTimeout=5");
        // A certificate file that is not there failed only when connecting, like a database that is down.
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://ew:pw@db/ew?sslmode=verify-full&sslrootcert=/nonexistent.pem"))
                .hasMessage("the database URL's sslrootcert names a file that cannot be read: /nonexistent.pem");
        assertThat(DatabaseUrl.parse("jdbc:postgresql://[::1]/ew").jdbcUrl()).isEqualTo("jdbc:postgresql://[::1]/ew");
        assertThat(DatabaseUrl.parse("jdbc:postgresql:ew").jdbcUrl()).isEqualTo("jdbc:postgresql:ew");
    }

    @Test
    void aDatabaseThatCannotBeReachedIsReportedWithoutThePassword() {
        // Port 1 on loopback refuses at once. Before, the jdbc: form reached the driver with the credentials as
        // part of the host, and both the address and the driver's own message showed the password.
        String written = "jdbc:postgresql://ew:S3cretPW@127.0.0.1:1/db";
        assertThatThrownBy(() -> PgDatabase.open(DatabaseUrl.parse(written), 1, "test").close())
                .isInstanceOf(dev.eventwire.support.StoreUnavailableException.class) // a refused connection may pass
                .hasMessageContaining("127.0.0.1:1")
                .hasMessageNotContaining("S3cretPW");
        assertThat(DatabaseUrl.parse(written).scrub("FATAL: login S3cretPW")).isEqualTo("FATAL: login ***");
        assertThat(new DatabaseUrl("jdbc:postgresql://h/db", Optional.empty(), Optional.empty()).scrub("x")).isEqualTo("x");
        // A short password is masked where it stands alone, not inside the driver's words: masked everywhere, it
        // garbled the one line an operator reads and told what the password was.
        DatabaseUrl shortPassword = DatabaseUrl.parse("postgresql://eventwire:e@127.0.0.1:1/eventwire");
        assertThat(shortPassword.scrub("Connection refused")).isEqualTo("Connection refused");
        assertThat(shortPassword.scrub("FATAL: role \"nosuchuser\" does not exist")).isEqualTo("FATAL: role \"nosuchuser\" does not exist");
        assertThat(shortPassword.scrub("login with e failed")).isEqualTo("login with *** failed");
        DatabaseUrl encoded = DatabaseUrl.parse("postgresql://u:p%40ss%20w@h/db");
        assertThat(encoded.scrub("url postgresql://u:p%40ss%20w@h/db and p@ss w")).doesNotContain("p%40ss%20w").doesNotContain("p@ss w");
        assertThat(encoded.scrub("jdbc:postgresql://h/db?password=other&ssl=true")).isEqualTo("jdbc:postgresql://h/db?password=***&ssl=true");
    }
}
