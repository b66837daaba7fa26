package dev.eventwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import dev.eventwire.cli.CliProcess.Result;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A number or duration option of {@code serve} outside its documented range stops the process at start:
 * exit 2 and one line naming the option, its variable and the range. Real processes, as an operator runs them.
 */
class ServeOptionRangesTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "--retention|9223372036854775807s|--retention (or EVENTWIRE_RETENTION) must be a duration from 1h to 36500d (got '9223372036854775807s')",
            "--retention|106751991167d|--retention (or EVENTWIRE_RETENTION) must be a duration from 1h to 36500d (got '106751991167d')",
            "--retention|99999999999999999999d|--retention (or EVENTWIRE_RETENTION) must be a duration from 1h to 36500d (got '99999999999999999999d')",
            "--retention|30m|--retention (or EVENTWIRE_RETENTION) must be a duration from 1h to 36500d (got '30m')",
            "--disable-after|36501d|--disable-after (or EVENTWIRE_DISABLE_AFTER) must be a duration from 1m to 36500d (got '36501d')",
            "--delivery-timeout|0s|--delivery-timeout (or EVENTWIRE_DELIVERY_TIMEOUT) must be a duration from 100ms to 1h (got '0s')",
            "--retry-schedule|5s,9999999999999d|--retry-schedule (or EVENTWIRE_RETRY_SCHEDULE) must be 1 to 100 comma-separated durations,"
                    + " each from 0s to 365d (got '5s,9999999999999d')",
            "--retry-schedule|5s,,5m|--retry-schedule (or EVENTWIRE_RETRY_SCHEDULE) must be 1 to 100 comma-separated durations,"
                    + " each from 0s to 365d, written as a whole number and a unit (ms, s, m, h or d) with nothing around them, such as 1500ms or 90s (got '5s,,5m')",
            "--retry-schedule|5s,5m,|--retry-schedule (or EVENTWIRE_RETRY_SCHEDULE) must be 1 to 100 comma-separated durations,"
                    + " each from 0s to 365d, written as a whole number and a unit (ms, s, m, h or d) with nothing around them, such as 1500ms or 90s (got '5s,5m,')",
            "--delivery-timeout|1.5s|--delivery-timeout (or EVENTWIRE_DELIVERY_TIMEOUT) must be a duration from 100ms to 1h, written as a whole number and a unit (ms, s, m, h or d) with nothing around them, such as 1500ms or 90s (got '1.5s')",
            "--retry-schedule|5s,1w|--retry-schedule (or EVENTWIRE_RETRY_SCHEDULE) must be 1 to 100 comma-separated durations,"
                    + " each from 0s to 365d, written as a whole number and a unit (ms, s, m, h or d) with nothing around them, such as 1500ms or 90s (got '5s,1w')",
            "--metrics-auth|bogus|--metrics-auth (or EVENTWIRE_METRICS_AUTH) must be none or admin (got 'bogus')",
            "--warm-up|2h|--warm-up (or EVENTWIRE_WARM_UP) must be a duration from 0s to 1h (got '2h')",
            "--max-webhooks-per-tenant|99999999999999999999|--max-webhooks-per-tenant (or EVENTWIRE_MAX_WEBHOOKS_PER_TENANT)"
                    + " must be a whole number from 1 to 1000000 (got '99999999999999999999')",
            "--body-budget-mib|9007199254740992|--body-budget-mib (or EVENTWIRE_BODY_BUDGET_MIB) must be a whole number from 5 to 1048576"
                    + " (got '9007199254740992')",
            "--max-distinct-values|0|--max-distinct-values (or EVENTWIRE_MAX_DISTINCT_VALUES) must be a whole number from 1 to 100000000 (got '0')",
            "--port|65536|--port (or EVENTWIRE_PORT) must be a whole number from 0 to 65535 (got '65536')",
            "--tenant-ingest-rate-mib|1.5|--tenant-ingest-rate-mib (or EVENTWIRE_TENANT_INGEST_RATE_MIB) must be a whole number from 0 to 1048576"
                    + " (got '1.5')",
    })
    void anOptionOutsideItsRangeIsOneLineAndExit2(String option, String value, String line) throws Exception {
        Result result = serve(List.of(option, value), Map.of());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.lines()).containsExactly("eventwire: " + line);
    }

    /**
     * A variable is read as the option is: a sign, spaces around a number or a duration (as the API refuses
     * "35d "), a name in another case — a value meant as admin that came out otherwise would leave the
     * metrics open to anyone.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "EVENTWIRE_TENANT_INGEST_BUDGET_MIB|+16|--tenant-ingest-budget-mib (or EVENTWIRE_TENANT_INGEST_BUDGET_MIB) must be a whole number from 5 to 1048576 (got '+16')",
            "EVENTWIRE_RETENTION|\"35d \"|--retention (or EVENTWIRE_RETENTION) must be a duration from 1h to 36500d"
                    + ", written as a whole number and a unit (ms, s, m, h or d) with nothing around them, such as 1500ms or 90s (got '35d ')",
            "EVENTWIRE_TENANT_INGEST_RATE_MIB|\" 4\"|--tenant-ingest-rate-mib (or EVENTWIRE_TENANT_INGEST_RATE_MIB) must be a whole number from 0 to 1048576 (got ' 4')",
            "EVENTWIRE_METRICS_AUTH|Admin|--metrics-auth (or EVENTWIRE_METRICS_AUTH) must be none or admin (got 'Admin')",
    })
    void anEnvironmentValueIsCheckedAsTheOptionIs(String variable, String value, String line) throws Exception {
        Result result = serve(List.of(), Map.of(variable, value));
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.lines()).containsExactly("eventwire: " + line);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "\"\"|--host (or EVENTWIRE_HOST) must be an address of this machine, such as 127.0.0.1 or 0.0.0.0 for all of them,"
                    + " or a name that resolves to one (got '')",
            "not-a-host.invalid|--host (or EVENTWIRE_HOST): the host name not-a-host.invalid does not resolve; give an address of this machine,"
                    + " such as 127.0.0.1 or 0.0.0.0 for all of them",
    })
    void aHostThatCannotBeListenedOnIsOneLineAndExit2(String host, String line) throws Exception {
        // Before: an empty host bound every address while the log said http://:PORT, and a name that does
        // not resolve was reported as a port already in use.
        Result result = CliProcess.run(dir, List.of("serve", "--host", host, "--port", "0", "--data", dir.resolve("data").toString()), Map.of());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.lines()).containsExactly("eventwire: " + line);
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "--data||--data (or EVENTWIRE_DATA_DIR) must name a folder, without spaces around it (got '')",
            "--data|\" \"|--data (or EVENTWIRE_DATA_DIR) must name a folder, without spaces around it (got ' ')",
            "--data|/tmp/da?ta|--data (or EVENTWIRE_DATA_DIR) /tmp/da?ta: the embedded store cannot use a path holding \\ or ? (DuckDB reads them as a separator and as options)",
            "--database-url|\"  \"|--database-url (or EVENTWIRE_DATABASE_URL) is blank; leave it empty for the embedded store, or give a PostgreSQL URL",
            "--host|0|--host (or EVENTWIRE_HOST) must be an IPv4 address written as four numbers, such as 127.0.0.1 or 0.0.0.0 for all addresses"
                    + " (got '0': short, decimal, octal and hex forms are read differently by different programs)",
            "--host|192.0.2.1|cannot listen on 192.0.2.1:0: cannot assign requested address",
    })
    void aValueThatWouldServeSomewhereElseIsOneLineAndExit2BeforeAnythingIsWritten(String option, String value, String line) throws Exception {
        // Run from a folder of the test's own: an empty --data was the current folder, made owner-only and
        // filled with database files; a blank database URL served alone on the embedded store; --host 0 and
        // an address not this machine's (found only after the warm-up and the store) were accepted.
        Path cwd = Files.createDirectories(dir.resolve("cwd"));
        Map<String, String> args = new java.util.LinkedHashMap<>(Map.of("--host", "127.0.0.1", "--port", "0", "--data", dir.resolve("data").toString()));
        args.put(option, value == null ? "" : value);
        List<String> command = new ArrayList<>(List.of("serve", "--warm-up", "30s"));
        args.forEach((k, v) -> command.add(k + "=" + v));
        Result result = CliProcess.run(cwd, command, Map.of());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.lines()).containsExactly("eventwire: " + line);
        assertThat(dir.resolve("data")).doesNotExist();
        try (var files = Files.list(cwd)) {
            assertThat(files).as("nothing written in the folder it ran from but the test's own output").allMatch(f -> f.getFileName().toString().startsWith("out"));
        }
    }

    /** Where no folder can ever be made, no restart helps: exit 2 with the reason (it was 75 and the bare path). */
    @Test
    void aDataFolderThatCannotBeCreatedIsOneLineAndExit2() throws Exception {
        Files.writeString(dir.resolve("file"), "not a folder");
        Path under = dir.resolve("file").resolve("data");
        Result result = CliProcess.run(dir, List.of("serve", "--host", "127.0.0.1", "--port", "0", "--data", under.toString()), Map.of());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.lines()).containsExactly("eventwire: cannot start: cannot create the data folder " + under + ": " + dir.resolve("file") + " is a file, not a folder");
        result = CliProcess.run(dir, List.of("serve", "--host", "127.0.0.1", "--port", "0", "--data", "/proc/eventwire-data"), Map.of());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.lines()).singleElement().asString().startsWith("eventwire: cannot start: cannot create the data folder /proc/eventwire-data: ");
    }

    /** Neither is cured by a restart; both exited 75, which a supervisor restarts for ever. */
    @Test
    void aFolderWhereTheAdminKeyFileBelongsOrAFileWhereTheJournalBelongsIsOneLineAndExit2() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("admin.key"));
        Result result = serve(List.of(), Map.of());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.lines()).singleElement().asString().startsWith("eventwire: " + data.resolve("admin.key") + " is a folder; the admin key file must be a file");
        Files.delete(data.resolve("admin.key"));
        Files.writeString(data.resolve("ingest-journal"), "not a folder");
        result = serve(List.of(), Map.of());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.lines()).contains("eventwire: cannot start: the ingest journal " + data.resolve("ingest-journal")
                + " is a file, not a folder: move the file away (the folder is created when missing) and start again");
        // The temporary folder's random name may hold "75" itself: only what the lines say besides it counts.
        assertThat(result.lines()).noneMatch(l -> l.contains("Exception") || l.replace(dir.toString(), "").contains("75"));
    }

    @Test
    void aDataPathThatIsAFileIsOneLineAndExit2() throws Exception {
        Files.writeString(dir.resolve("data"), "not a folder");
        Result result = serve(List.of(), Map.of());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.lines()).containsExactly("eventwire: --data (or EVENTWIRE_DATA_DIR) must be a folder: " + dir.resolve("data") + " is a file.");
    }

    private static final String SHORTHAND = "'%s' is not an IPv4 address written in full; write four numbers from 0 to 255, such as 127.0.0.1 or"
            + " 10.0.0.0/8 (short, decimal, octal and hex forms are read differently by different programs).";

    /** An allow-list entry that can match nothing was an exception's stack trace, after the data folder was created. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "127.0.0.1/33|bad prefix length in 127.0.0.1/33.",
            "not a cidr/99|'not a cidr/99' is not an address or CIDR block.",
            "localhost,not a host|'not a host' is neither an address, a CIDR block nor a host name.",
            "127.1|" + SHORTHAND, "2130706433|" + SHORTHAND, "0177.0.0.1|" + SHORTHAND, "0x7f.0.0.1|" + SHORTHAND, "10/8|" + SHORTHAND,
            "127.000.0.1/32|" + SHORTHAND,
            "localhost,,127.0.0.1|'%s' has an empty entry; separate hosts and CIDR blocks by single commas.",
            "127.0.0.1/32,|'%s' has an empty entry; separate hosts and CIDR blocks by single commas.",
    })
    void aBadEgressAllowEntryIsOneLineAndExit2BeforeAnythingIsWritten(String value, String why) throws Exception {
        why = why.replace("%s", value);
        Result result = serve(List.of("--egress-allow", value), Map.of());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.lines()).containsExactly("eventwire: --egress-allow (or EVENTWIRE_EGRESS_ALLOW): " + why);
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @Test
    void aWebhookCaFileThatHoldsNoCertificateIsOneLineAndExit2() throws Exception {
        Path missing = dir.resolve("missing.pem");
        Result result = serve(List.of("--webhook-ca", missing.toString()), Map.of());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.lines()).containsExactly("eventwire: --webhook-ca (or EVENTWIRE_WEBHOOK_CA): " + missing + " cannot be read.");
        Path notCertificates = Files.writeString(dir.resolve("notes.pem"), "just some notes\n");
        result = serve(List.of(), Map.of("EVENTWIRE_WEBHOOK_CA", notCertificates.toString()));
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.lines()).hasSize(1).first().asString().startsWith("eventwire: --webhook-ca (or EVENTWIRE_WEBHOOK_CA): " + notCertificates + " ");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    /** A weak admin key is refused before anything is written: no database files, no generated key. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"short", "'  ew_admin_23_characters '"})
    void aShortAdminKeyInTheVariableIsOneLineAndExit2(String key) throws Exception {
        Result result = serve(List.of(), Map.of("EVENTWIRE_ADMIN_KEY", key));
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.lines()).containsExactly("eventwire: EVENTWIRE_ADMIN_KEY must be at least 24 characters (got " + key.strip().length()
                + "); use a long random value, such as `openssl rand -base64 32` prints");
        assertThat(dir.resolve("data")).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"''|0", "'short\n'|5", "'\n\n'|0"})
    void aShortAdminKeyFileIsOneLineAndExit2(String content, int length) throws Exception {
        Path keyFile = Files.createDirectories(dir.resolve("data")).resolve("admin.key");
        Files.writeString(keyFile, content.replace("\\n", "\n"));
        Result result = serve(List.of(), Map.of());
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.lines()).containsExactly("eventwire: " + keyFile.toAbsolutePath() + " must hold at least 24 characters (got " + length
                + "); use a long random value, such as `openssl rand -base64 32` prints, or delete the file to have a key generated");
        try (var files = Files.list(dir.resolve("data"))) {
            assertThat(files).containsExactly(keyFile);
        }
    }

    /** A key to seal webhook secrets with that is not 32 bytes in base64: one line, exit 2, nothing written. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "EVENTWIRE_SECRET_KEY|c2hvcnQ=|EVENTWIRE_SECRET_KEY must be 32 random bytes in base64, as `openssl rand -base64 32` prints (got 8 characters)",
            "EVENTWIRE_SECRET_KEY|not base64 at all, not at all, not at all!!|EVENTWIRE_SECRET_KEY must be 32 random bytes in base64, as `openssl rand -base64 32` prints (got 43 characters)",
            "EVENTWIRE_SECRET_KEY_PREVIOUS|c2hvcnQ=|EVENTWIRE_SECRET_KEY_PREVIOUS must be 32 random bytes in base64, as `openssl rand -base64 32` prints (got 8 characters)"})
    void aBadSecretKeyIsOneLineAndExit2(String variable, String value, String line) throws Exception {
        Result result = serve(List.of(), Map.of(variable, value));
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.lines()).containsExactly("eventwire: " + line);
        assertThat(dir.resolve("data")).doesNotExist();
    }

    /** A damaged database file: one line saying so (no stack trace), and exit 75 for a supervisor. */
    @Test
    void aDatabaseFileThatCannotBeOpenedIsOneLineAndExit75() throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data").resolve("eventwire.duckdb"), "x".repeat(10_000));
        Result result = serve(List.of(), Map.of());
        assertThat(result.exit()).isEqualTo(75);
        assertThat(result.lines()).anyMatch(l -> l.startsWith("eventwire: cannot start: cannot open the store in ") && l.endsWith("Exiting (75)."));
        assertThat(result.lines()).noneMatch(l -> l.contains("Exception") || l.strip().startsWith("at "));
    }

    /**
     * A data folder written by a newer build (a downgrade) stays newer however often the process restarts:
     * exit 2, a configuration error, naming the file, as on PostgreSQL; exit 75 made a supervisor restart it for ever.
     */
    @Test
    void aDatabaseFileFromANewerBuildIsOneLineAndExit2() throws Exception {
        // Owner-only, as Eventwire makes its data folder: the refusal is then the only line.
        Path file = Files.createDirectory(dir.resolve("data"), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"))).resolve("eventwire.duckdb");
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:duckdb:" + file);
             java.sql.Statement st = c.createStatement()) {
            st.execute("CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_us BIGINT NOT NULL)");
            st.execute("INSERT INTO schema_version VALUES (9999, 'V9999__from_the_future.sql', 0)");
        }
        Result result = serve(List.of(), Map.of("EVENTWIRE_ADMIN_KEY", "ew_admin_newer_schema_0123456789"));
        assertThat(result.exit()).isEqualTo(2);
        assertThat(result.lines()).hasSize(1).first().asString()
                .matches("eventwire: cannot start: " + java.util.regex.Pattern.quote(file.toAbsolutePath().toString())
                        + " has schema version 9999, newer than this build knows \\(\\d+\\); run a newer Eventwire");
    }

    private Result serve(List<String> options, Map<String, String> env) throws Exception {
        List<String> args = new ArrayList<>(List.of("serve", "--host", "127.0.0.1", "--data", dir.resolve("data").toString()));
        if (!options.contains("--port")) args.addAll(List.of("--port", "0"));
        args.addAll(options);
        return CliProcess.run(dir, args, env);
    }
}
