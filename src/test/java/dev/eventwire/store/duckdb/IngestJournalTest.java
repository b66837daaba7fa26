package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal file itself: what is appended is read back exactly, and what a crash cut short is cut off. */
class IngestJournalTest {
    @TempDir
    Path root;
    /** The journal's folder, inside the data folder as a server has it (damaged segments are kept beside it). */
    Path dir;

    @org.junit.jupiter.api.BeforeEach
    void journalFolder() {
        dir = root.resolve("ingest-journal");
    }

    static JournaledGroup group(long seq) {
        return new JournaledGroup(seq,
                List.of(new JournaledGroup.SetRow(seq, "wh_a,wh_b")),
                List.of(new JournaledGroup.EventRow(seq * 10, "acme", "évent-" + seq + " 🚀", "order.created", null, -62_135_596_800_000_000L,
                                253_402_300_799_999_999L, "{\"data\":{\"note\":\"日本語\"}}", seq * 100, seq + " msg_x i"),
                        new JournaledGroup.EventRow(seq * 10 + 1, "acme", "e" + seq, "a.b", "cust-1", 0, 1, "{}", null, null)),
                List.of(new JournaledGroup.RejectedRow(seq, "acme", 5, "invalid_field", "bad \"x\"", null, "x".repeat(70_000))),
                List.of(new JournaledGroup.PointRow(seq, "acme", "amount_sum", 7, new BigDecimal("-12.345000000"), null),
                        new JournaledGroup.PointRow(seq + 1, "acme", "sessions", 7, null, "s-1")));
    }

    private List<JournaledGroup> reopen(long applied) throws IOException {
        List<JournaledGroup> replayed = new ArrayList<>();
        IngestJournal.open(dir, applied, replayed::add).close();
        return replayed;
    }

    @Test
    void groupsAreReadBackExactlyAndOnlyThoseAfterTheCursor() throws IOException {
        try (IngestJournal journal = IngestJournal.open(dir, 0, g -> { })) {
            for (long seq = 1; seq <= 5; seq++) journal.append(group(seq), 0);
        }
        assertThat(reopen(0)).containsExactly(group(1), group(2), group(3), group(4), group(5));
        assertThat(reopen(3)).containsExactly(group(4), group(5));
        assertThat(reopen(5)).isEmpty();
    }

    @Test
    void theJournalSaysWhichFormatItIsInAndAJournalWithoutThatWordIsReadAsTheFirst() throws IOException {
        try (IngestJournal journal = IngestJournal.open(dir, 0, g -> { })) {
            journal.append(group(1), 0);
        }
        assertThat(Files.readString(dir.resolve("FORMAT"))).isEqualTo("1\n");
        // Written by a build before the marker: its segments are format 1 and are replayed.
        Files.delete(dir.resolve("FORMAT"));
        assertThat(reopen(0)).containsExactly(group(1));
        assertThat(Files.readString(dir.resolve("FORMAT"))).isEqualTo("1\n");
    }

    @Test
    void aJournalInAFormatThisVersionDoesNotReadStopsTheStartAndIsLeftAsItWas() throws IOException {
        try (IngestJournal journal = IngestJournal.open(dir, 0, g -> { })) {
            journal.append(group(1), 0);
        }
        Files.writeString(dir.resolve("FORMAT"), "2\n");
        List<Path> before = files(dir);
        byte[] segment = Files.readAllBytes(onlySegment());
        assertThatThrownBy(() -> reopen(0))
                .isInstanceOf(dev.eventwire.support.StoreConfigurationException.class)
                .hasMessageContaining("is in format 2, and this version reads format 1")
                .hasMessageContaining("start the version that wrote it and stop it cleanly");
        assertThat(files(dir)).isEqualTo(before);
        assertThat(Files.readAllBytes(onlySegment())).isEqualTo(segment);

        Files.writeString(dir.resolve("FORMAT"), "\u202Egarbage\n");
        assertThatThrownBy(() -> reopen(0)).hasMessageContaining("is in a format it does not know").hasMessageNotContaining("garbage");
    }

    @Test
    void aServerDoesNotStartOnAJournalInAnotherFormat() throws IOException {
        Path data = root.resolve("data");
        dev.eventwire.support.TestServer.start(data).close();
        Files.writeString(data.resolve("ingest-journal").resolve("FORMAT"), "3\n");
        assertThatThrownBy(() -> dev.eventwire.support.TestServer.start(data).close())
                .isInstanceOf(dev.eventwire.support.StoreConfigurationException.class)
                .hasMessageContaining("ingest journal").hasMessageContaining("is in format 3");
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> listed = Files.list(folder)) {
            return listed.sorted().toList();
        }
    }

    @Test
    void aRecordCutShortOrDamagedAtTheEndIsCutOffAndWritingGoesOn() throws IOException {
        try (IngestJournal journal = IngestJournal.open(dir, 0, g -> { })) {
            journal.append(group(1), 0);
            journal.append(group(2), 0);
        }
        Path segment = onlySegment();
        long intact = recordBytes(group(1)) + recordBytes(group(2));
        // A crash in the middle of the third record's write: its header and half its bytes.
        byte[] third = group(3).encode();
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(8).putInt(third.length).putInt(42).flip(), intact);
            ch.write(ByteBuffer.wrap(third, 0, third.length / 2), intact + 8);
        }
        assertThat(reopen(0)).containsExactly(group(1), group(2));
        assertThat(Files.size(segment)).as("the torn record is cut off").isEqualTo(intact);

        // A whole record whose bytes changed after its checksum was taken (in a segment a later run began).
        try (IngestJournal journal = IngestJournal.open(dir, 0, g -> { })) {
            journal.append(group(3), 0);
        }
        Path newest = segments().getLast();
        assertThat(newest).isNotEqualTo(segment);
        try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[] {0x7f}), recordBytes(group(3)) - 3);
        }
        assertThat(reopen(0)).containsExactly(group(1), group(2));
        assertThat(Files.size(newest)).isZero();
    }

    @Test
    void recordsAreWrittenOverZerosWrittenAheadSoForcingThemDoesNotGrowTheFile() throws IOException {
        long written = 0;
        try (IngestJournal journal = IngestJournal.open(dir, 0, g -> { })) {
            journal.append(group(1), 0);
            written += recordBytes(group(1));
            long ahead = Files.size(onlySegment());
            assertThat(ahead).as("zeros written ahead of the first record").isEqualTo(IngestJournal.PREALLOCATE_BYTES);
            long seq = 2;
            for (; written + recordBytes(group(seq)) <= ahead; seq++) {
                journal.append(group(seq), 0);
                written += recordBytes(group(seq));
                assertThat(Files.size(onlySegment())).as("size after group %d", seq).isEqualTo(ahead);
            }
            // The next record does not fit: zeros are written ahead again, and it goes on.
            journal.append(group(seq), 0);
            assertThat(Files.size(onlySegment())).isEqualTo(ahead + IngestJournal.PREALLOCATE_BYTES);
            List<JournaledGroup> all = new ArrayList<>();
            for (long s = 1; s <= seq; s++) all.add(group(s));
            assertThat(reopen(0)).as("every group, in order, and nothing from the zeros after them").containsExactlyElementsOf(all);
        }
    }

    @Test
    void damageWithIntactRecordsAfterItLosesOnlyTheDamagedGroupAndIsKeptAside() throws IOException {
        try (IngestJournal journal = IngestJournal.open(dir, 0, g -> { })) {
            for (long seq = 1; seq <= 6; seq++) journal.append(group(seq), 0);
        }
        Path segment = onlySegment();
        // One bit of group 3 flipped long after it was acknowledged: groups 4 to 6 were acknowledged after it,
        // so this is no write a crash interrupted, and they must not be cut off with it.
        long third = recordBytes(group(1)) + recordBytes(group(2));
        flipByte(segment, third + 200);
        assertThat(reopen(0)).containsExactly(group(1), group(2), group(4), group(5), group(6));
        Path aside = dir.resolveSibling(dir.getFileName() + "-damaged");
        try (Stream<Path> kept = Files.list(aside)) {
            assertThat(kept.toList()).singleElement().satisfies(copy -> assertThat(Files.size(copy)).isEqualTo(Files.size(segment)));
        }
    }

    @Test
    void aDamagedLengthStillFindsTheIntactRecordsAfterIt() throws IOException {
        try (IngestJournal journal = IngestJournal.open(dir, 0, g -> { })) {
            for (long seq = 1; seq <= 4; seq++) journal.append(group(seq), 0);
        }
        Path segment = onlySegment();
        // Group 2's length field says far more than the file holds: where group 3 begins must be found by looking.
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.allocate(4).putInt(0x7fff_0000).flip(), recordBytes(group(1)));
        }
        assertThat(reopen(0)).containsExactly(group(1), group(3), group(4));
    }

    @Test
    void damageBeforeTheLastSegmentIsKeptAsideAndTheStartGoesOn() throws IOException {
        try (IngestJournal journal = IngestJournal.open(dir, 0, g -> { })) {
            journal.append(group(1), 0);
        }
        Path first = onlySegment();
        Files.writeString(dir.resolve(String.format("%020d", 99) + ".journal"), "");
        flipByte(first, recordBytes(group(1)) - 3);
        assertThat(reopen(0)).isEmpty();
        assertThat(dir.resolveSibling(dir.getFileName() + "-damaged")).isNotEmptyDirectory();
    }

    private static void flipByte(Path segment, long at) throws IOException {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer one = ByteBuffer.allocate(1);
            ch.read(one, at);
            ch.write(ByteBuffer.wrap(new byte[] {(byte) (one.get(0) ^ 1)}), at);
        }
    }

    @Test
    void bytesItDidNotWriteAreRefused() {
        byte[] encoded = group(1).encode();
        byte[] longer = java.util.Arrays.copyOf(encoded, encoded.length + 1);
        assertThatThrownBy(() -> JournaledGroup.decode(longer)).isInstanceOf(IOException.class);
        byte[] shorter = java.util.Arrays.copyOf(encoded, encoded.length - 5);
        assertThatThrownBy(() -> JournaledGroup.decode(shorter)).isInstanceOf(IOException.class);
    }

    /** What a group takes in a segment: its header and its bytes. */
    private static long recordBytes(JournaledGroup group) {
        return 8 + group.encode().length;
    }

    private Path onlySegment() throws IOException {
        List<Path> all = segments();
        assertThat(all).hasSize(1);
        return all.getFirst();
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".journal")).sorted().toList();
        }
    }
}
