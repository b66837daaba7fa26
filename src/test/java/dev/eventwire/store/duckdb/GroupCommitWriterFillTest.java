package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import dev.eventwire.support.CommitObserver;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer with a fill waits for more work only under a heavy load, and runs as soon as the group is
 * full; under a light load every piece of work commits at once; a trickle of mergeable work is paced
 * until work somebody waits for comes. The linger is ten seconds, far beyond
 * what either case may take, so a wrong wait shows as a timeout rather than as a slow test.
 */
class GroupCommitWriterFillTest {
    private static final Duration LONG_LINGER = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void aBusyWriterMergesTheNextPiecesIntoOneGroupAndCommitsOnceItIsFull() throws Exception {
        try (DuckDbDatabase database = DuckDbDatabase.open(dir); GroupCommitWriter writer = started(database, 1)) {
            long first = writer.submit(c -> writer.transaction()).get(5, TimeUnit.SECONDS); // a group of one: busy from now on
            List<CompletableFuture<Long>> next = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                next.add(writer.submit(c -> writer.transaction()));
                Thread.sleep(20); // arrivals spread out: without the fill each would commit alone
            }
            CompletableFuture.allOf(next.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            assertThat(next.stream().map(CompletableFuture::join).distinct().toList()).as("the ten pieces' transactions")
                    .containsExactly(first + 1);
        }
    }

    @Test
    void underALightLoadEveryPieceCommitsAtOnce() throws Exception {
        try (DuckDbDatabase database = DuckDbDatabase.open(dir); GroupCommitWriter writer = started(database, 2)) {
            Set<Long> transactions = new HashSet<>();
            for (int i = 0; i < 5; i++) transactions.add(writer.submit(c -> writer.transaction()).get(5, TimeUnit.SECONDS));
            assertThat(transactions).hasSize(5);
        }
    }

    @Test
    void aTrickleOfMergeableWorkIsPacedAndWorkSomebodyWaitsForEndsTheWait() throws Exception {
        try (DuckDbDatabase database = DuckDbDatabase.open(dir);
             GroupCommitWriter writer = started(database, new GroupCommitWriter.Fill(1000, LONG_LINGER, Integer.MAX_VALUE, LONG_LINGER))) {
            TransactionNumber kind = new TransactionNumber(writer);
            long first = writer.submitBatchable(kind, null).get(5, TimeUnit.SECONDS);
            List<CompletableFuture<Long>> trickle = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                trickle.add(writer.submitBatchable(kind, null));
                Thread.sleep(20); // without the pace each would commit alone
            }
            assertThat(trickle).as("paced: none committed yet").noneMatch(CompletableFuture::isDone);
            long awaited = writer.submit(c -> writer.transaction()).get(5, TimeUnit.SECONDS);
            CompletableFuture.allOf(trickle.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            assertThat(trickle.stream().map(CompletableFuture::join).distinct().toList()).as("the trickle's transactions")
                    .containsExactly(first + 1);
            assertThat(awaited).as("the awaited work ended the wait and went in the same transaction").isEqualTo(first + 1);
        }
    }

    /** Mergeable work answering with the number of the transaction it ran in. */
    private record TransactionNumber(GroupCommitWriter writer)
            implements GroupCommitWriter.Batchable<Long>, GroupCommitWriter.BatchKind<Long> {
        @Override
        public GroupCommitWriter.BatchKind<Long> kind() {
            return this;
        }

        @Override
        public GroupCommitWriter.BatchResult<Long> runAll(java.sql.Connection connection, List<? extends GroupCommitWriter.Batchable<Long>> items) {
            return new GroupCommitWriter.BatchResult<>(java.util.Collections.nCopies(items.size(), writer.transaction()), () -> { });
        }
    }

    /** A writer whose groups wait for 10 pieces of work once the group before had {@code busyFrom}. */
    private static GroupCommitWriter started(DuckDbDatabase database, int busyFrom) {
        return started(database, new GroupCommitWriter.Fill(10, LONG_LINGER, busyFrom, Duration.ZERO));
    }

    private static GroupCommitWriter started(DuckDbDatabase database, GroupCommitWriter.Fill fill) {
        GroupCommitWriter writer = new GroupCommitWriter(database, "test-writer", 100, fill, CommitObserver.NONE);
        writer.start();
        return writer;
    }
}
