package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * An upgrade says so in the log: the start that brings a file an older build wrote up to date names the file
 * and both versions, once; a new data folder and a start with nothing to do say nothing.
 */
class MigrationLogTest {
    @TempDir
    Path dir;
    private final Logger logger = (Logger) LoggerFactory.getLogger(Migrations.class);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void listen() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void stopListening() {
        logger.detachAppender(lines);
    }

    private List<String> said() {
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aNewDataFolderSaysNothing() {
        try (DuckDbDatabase database = DuckDbDatabase.open(dir)) {
            assertThat(database.read(Migrations::currentVersion)).isEqualTo(Migrations.FILES.size());
        }
        assertThat(said()).isEmpty();
    }

    @Test
    void aFolderAnOlderBuildWroteIsUpgradedOnceAndTheLogSaysSo() throws Exception {
        Files.createDirectories(dir);
        // As the build of 2026-11-29 left it: the event log at version 9, no delivery file yet.
        try (Connection older = DuckDbDatabase.attach(dir)) {
            Migrations.apply(older, 9);
        }
        try (DuckDbDatabase database = DuckDbDatabase.open(dir)) {
            assertThat(database.read(Migrations::currentVersion)).isEqualTo(Migrations.FILES.size());
        }
        assertThat(said()).containsExactly("migrated " + dir.resolve(DuckDbDatabase.FILE_NAME) + " from schema version 9 to " + Migrations.FILES.size()
                + "; builds older than this one no longer open it");

        lines.list.clear();
        try (DuckDbDatabase again = DuckDbDatabase.open(dir)) {
            assertThat(again.read(Migrations::currentVersion)).isEqualTo(Migrations.FILES.size());
        }
        assertThat(said()).as("nothing left to do").isEmpty();
    }
}
