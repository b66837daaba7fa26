package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An acknowledged event survives a crash that came before DuckDB held it: a child process acknowledges
 * events while the event log's writer is held, so they are only in the journal, and dies without closing;
 * the next start finds every one, with the deliveries it owes.
 */
class IngestJournalCrashTest {
    @TempDir
    Path dir;
    /** The output and temporary folder of the children, which die without removing their copy of DuckDB's native library; deleted with the test. */
    @TempDir
    Path logs;

    @Test
    void eventsAcknowledgedOnlyInTheJournalAreInTheEventLogAfterACrash() throws Exception {
        Path log = Files.createTempFile(logs, "child", ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED",
                "-Djava.io.tmpdir=" + logs, "-cp", System.getProperty("java.class.path"),
                IngestAndHalt.class.getName(), dir.toString(), "250")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(Files.readString(log)).contains("acknowledged 250");
        try (Stream<Path> segments = Files.list(dir.resolve(DuckDbBackend.JOURNAL_DIR))) {
            assertThat(segments.mapToLong(p -> p.toFile().length()).sum()).as("the acknowledged events are in the journal").isPositive();
        }
        // The start says in the log what it recovers and how long each step took (it once said nothing for 48 s).
        ch.qos.logback.classic.Logger startLog = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(StartLog.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
        lines.start();
        startLog.addAppender(lines);
        try (DuckDbDatabase database = DuckDbDatabase.open(dir)) {
            assertThat(count(database, "SELECT count(*) FROM events")).as("and not in the event log: the crash came before it held them").isZero();
        }

        try (JournaledStore again = JournaledStore.open(dir)) {
            startLog.detachAppender(lines);
            assertThat(lines.list.stream().map(ch.qos.logback.classic.spi.ILoggingEvent::getFormattedMessage).toList()).satisfiesExactly(
                    l -> assertThat(l).matches("replaying the write-ahead logs a process that did not stop left behind \\(eventwire\\.duckdb\\.wal \\d+\\.\\d MB.*\\);"
                            + " the server answers once they are in the files"),
                    l -> assertThat(l).matches("write-ahead logs replayed in \\d+\\.\\d\\d s"),
                    l -> assertThat(l).matches("write-ahead logs checkpointed into their files in \\d+\\.\\d\\d s"),
                    l -> assertThat(l).matches("applied \\d+ groups of events that the ingest journal held beyond the event log in \\d+\\.\\d\\d s"),
                    l -> assertThat(l).matches("wrote the deliveries of 250 events logged before the stop in \\d+\\.\\d\\d s"),
                    l -> assertThat(l).matches("read the ids of the 250 events stored, for duplicate checks in \\d+\\.\\d\\d s"));
            for (int i = 0; i < 250; i++) {
                assertThat(again.events().find("acme", "e-" + i)).as("e-" + i).isPresent();
                assertThat(again.backend().deliveries().find("acme", "wh_1", "e-" + i)).as("the delivery e-" + i + " owes").isPresent();
            }
            assertThat(again.registry().active("wh_2")).as("the webhook whose creation held the writer committed before it").isPresent();
            assertThat(count(again, "SELECT count(*) FROM events")).isEqualTo(250);
            assertThat(count(again, "SELECT count(*) FROM metric_points WHERE metric = 'events_total'")).as("each event's metric points, once").isEqualTo(250);
        }
        try (Stream<Path> segments = Files.list(dir.resolve(DuckDbBackend.JOURNAL_DIR))) {
            assertThat(segments.map(p -> p.getFileName().toString()).toList()).as("a clean stop leaves an empty journal (its format word only)")
                    .containsExactly(IngestJournal.FORMAT_FILE);
        }
        try (JournaledStore third = JournaledStore.open(dir)) {
            assertThat(count(third, "SELECT count(*) FROM events")).as("nothing replayed twice").isEqualTo(250);
        }
    }

    private static long count(JournaledStore store, String sql) {
        return count(store.backend().database(), sql);
    }

    private static long count(DuckDbDatabase database, String sql) {
        return database.read(c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }
}
