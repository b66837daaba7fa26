package dev.eventwire.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Every way an operator writes the database address reaches the driver right, and no message shows its password. */
class DatabaseUrlTest {

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
        assertThat(DatabaseUrl.parse("postgresql://localhost").jdbcUrl()).isEqualTo("jdbc:postgresql://localhost:5432/postgres");
    }

    @Test
    void addressesWithNoHostOrABadOneAreRefusedInWords() {
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://ew:pw@/db")).hasMessage("the database URL names no host");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql:///db")).hasMessage("the database URL names no host");
        assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://ew:pw@db host/x")).hasMessageNotContaining("pw");
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://db/x")).hasMessageContaining("must start with");
    }

    @Test
    void whatCouldNeverConnectIsRefusedBeforeConnectingNotReportedAsADatabaseThatIsDown() {
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

        assertThat(DatabaseUrl.parse("postgresql://ew:pw@db:65535/ew?sslmode=verify-full&sslrootcert=/etc/ca.pem&connectTimeout=5").jdbcUrl())
                .isEqualTo("jdbc:postgresql://db:65535/ew?sslmode=verify-full&sslrootcert=/etc/ca.pem&connectTimeout=5");
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
    }
}
