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
 * A writer with a fill holds mergeable work nobody waits for: under a heavy load until the group is full,
 * under a lighter one paced; under a light load every piece of work commits at once. Work somebody waits
 * for — unmergeable, or mergeable and awaited — never waits for the fill and ends it. The linger is ten seconds, far beyond
 * what either case may take, so a wrong wait shows as a timeout rather than as a slow test.
 */
class GroupCommitWriterFillTest {
    private static final Duration LONG_LINGER = Duration.ofSeconds(10);
    /** Never busy: every group of mergeable work alone is paced, ten seconds after the one before. */
    private static final GroupCommitWriter.Fill PACED = new GroupCommitWriter.Fill(1000, LONG_LINGER, Integer.MAX_VALUE, LONG_LINGER);

    @TempDir
    Path dir;

    @Test
    void aBusyWriterMergesTheNextPiecesIntoOneGroupAndCommitsOnceItIsFull() throws Exception {
        try (DuckDbDatabase database = DuckDbDatabase.open(dir); GroupCommitWriter writer = started(database, 1)) {
            TransactionNumber kind = new TransactionNumber(writer, false);
            long first = writer.submit(c -> writer.transaction()).get(5, TimeUnit.SECONDS); // a group of one: busy from now on
            List<CompletableFuture<Long>> next = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                next.add(writer.submitBatchable(kind, null));
                Thread.sleep(20); // arrivals spread out: without the fill each would commit alone
            }
            CompletableFuture.allOf(next.toArray(CompletableFuture[]::new)).get(5, TimeUnit.SECONDS);
            assertThat(next.stream().map(CompletableFuture::join).distinct().toList()).as("the ten pieces' transactions")
                    .containsExactly(first + 1);
        }
    }

    @Test
    void onABusyWriterWorkSomebodyWaitsForEndsTheWaitForAFullGroup() throws Exception {
        try (DuckDbDatabase database = DuckDbDatabase.open(dir); GroupCommitWriter writer = started(database, 1)) {
            TransactionNumber kind = new TransactionNumber(writer, false);
            long first = writer.submit(c -> writer.transaction()).get(5, TimeUnit.SECONDS); // busy from now on
            List<CompletableFuture<Long>> waiting = new ArrayList<>();
            for (int i = 0; i < 3; i++) waiting.add(writer.submitBatchable(kind, null));
            Thread.sleep(50);
            assertThat(waiting).as("three of ten: waiting for the group to fill").noneMatch(CompletableFuture::isDone);
            // A claim or a read (unmergeable) and an awaited outcome (mergeable) each end the wait at once: the
            // linger is ten seconds, so a wait shows as a timeout.
            long claim = writer.submitUnordered(c -> writer.transaction()).get(5, TimeUnit.SECONDS);
            assertThat(claim).as("the claim's transaction").isEqualTo(first + 1);
            for (CompletableFuture<Long> f : waiting) assertThat(f.get(5, TimeUnit.SECONDS)).as("merged into the claim's transaction").isEqualTo(first + 1);
            CompletableFuture<Long> held = writer.submitBatchable(kind, null);
            Thread.sleep(50);
            long awaited = writer.submitBatchable(new TransactionNumber(writer, true), null).get(5, TimeUnit.SECONDS);
            assertThat(held.get(5, TimeUnit.SECONDS)).as("the held piece went with the awaited one").isEqualTo(awaited);
        }
    }

    @Test
    void anAwaitedPieceOfMergeableWorkIsNotPaced() throws Exception {
        try (DuckDbDatabase database = DuckDbDatabase.open(dir);
             GroupCommitWriter writer = started(database, PACED)) {
            TransactionNumber awaited = new TransactionNumber(writer, true);
            long first = writer.submitBatchable(awaited, null).get(5, TimeUnit.SECONDS);
            // The pace is ten seconds: each of these would wait it if it were held back.
            long second = writer.submitBatchable(awaited, null).get(5, TimeUnit.SECONDS);
            long third = writer.submitBatchable(awaited, null).get(5, TimeUnit.SECONDS);
            assertThat(List.of(first, second, third)).as("one transaction each, at once").containsExactly(first, first + 1, first + 2);
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
             GroupCommitWriter writer = started(database, PACED)) {
            TransactionNumber kind = new TransactionNumber(writer, false);
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

    /** Mergeable work answering with the number of the transaction it ran in; {@code awaited}: somebody waits for its commit. */
    private record TransactionNumber(GroupCommitWriter writer, boolean awaited)
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
