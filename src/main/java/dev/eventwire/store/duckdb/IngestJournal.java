package dev.eventwire.store.duckdb;

import dev.eventwire.support.StoreConfigurationException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only file of acknowledged ingest groups, written and forced to disk before the requests in
 * them are answered; DuckDB is written behind it. A DuckDB checkpoint then holds up the writing of the
 * event log, never an acknowledgement (see docs/ingest-journal.md).
 *
 * <p>Records are {@code [length][CRC-32C][bytes]} in segment files named by the first group they hold.
 * A record cut short or failing its checksum with nothing intact after it in the last segment is what a
 * crash left while writing it — never acknowledged — and is cut off at start. Anything else is damage:
 * every intact record is still replayed, the log says which groups the damage lost, and the segment is
 * kept aside. Segments whose groups DuckDB holds are deleted once a newer one is begun.
 *
 * <p>Segments are written ahead with zeros, {@value #PREALLOCATE_BYTES} bytes at a time, and records are
 * written over them: forcing a write that does not grow the file need not write the file's size and
 * block map too, which nearly halves what each acknowledgement's {@code fdatasync} costs the kernel. A
 * header of zeros is where a segment's records end.
 */
final class IngestJournal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngestJournal.class);
    private static final String SUFFIX = ".journal";
    /** The format of the records this version writes and reads (see {@link #requireReadableFormat()}). */
    static final int FORMAT = 1;
    static final String FORMAT_FILE = "FORMAT";
    /** A new segment is begun once the current one is this large, so applied ones can be deleted. */
    private static final long SEGMENT_BYTES = 32L * 1024 * 1024;
    private static final int HEADER_BYTES = JournalSegment.HEADER_BYTES;
    /** Zeros written ahead of the records at a time: ~1 ms of writing, every ~2,000 single-event groups. */
    static final long PREALLOCATE_BYTES = 2L * 1024 * 1024;

    private final Path dir;
    /** Segments before the current one and the last group each holds (the writer's thread only). */
    private final List<Segment> closed = new ArrayList<>();
    private FileChannel current;
    private Path currentPath;
    private long currentLastGroup;
    /** Where the current segment's next record goes. */
    private long position;
    /** How far the current segment is written ahead with zeros (its size). */
    private long allocated;
    private final ByteBuffer zeros = ByteBuffer.allocateDirect(64 * 1024);
    /** The highest group read intact so far at open: damage after it lost the groups up to the next intact one. */
    private long lastGroupRead = -1;

    private record Segment(Path path, long lastGroup) {
    }

    private IngestJournal(Path dir) {
        this.dir = dir;
    }

    /**
     * Opens the journal in {@code dir} and hands every intact group after {@code appliedGroup} to
     * {@code replay}, in order; the journal then starts afresh with group {@code nextGroup} (the caller
     * has made DuckDB hold what was replayed before any new group is written).
     */
    static IngestJournal open(Path dir, long appliedGroup, Consumer<JournaledGroup> replay) throws IOException {
        // No restart changes a file where the journal's folder belongs: a configuration error (exit 2), not an
        // I/O error a supervisor's restart may cure (exit 75, restarted for ever).
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new StoreConfigurationException("the ingest journal " + dir.toAbsolutePath().normalize() + " is a file, not a folder: "
                    + "move the file away (the folder is created when missing) and start again", null);
        }
        Files.createDirectories(dir);
        IngestJournal journal = new IngestJournal(dir);
        journal.requireReadableFormat();
        List<Path> segments = journal.segments();
        for (int i = 0; i < segments.size(); i++) journal.read(segments.get(i), i == segments.size() - 1, appliedGroup, replay);
        return journal;
    }

    /**
     * The journal holds acknowledged groups DuckDB may not hold yet, so a version that cannot read its
     * records must not start on it: it would take them for damage, or another version's records for its own.
     * A folder without the marker is new, or was written before the marker existed (format 1, as now);
     * the marker is written, forced, before any segment. A later format writes its own number, so this
     * version refuses to start on it, saying what to do, instead of losing what it holds.
     */
    private void requireReadableFormat() throws IOException {
        Path marker = dir.resolve(FORMAT_FILE);
        if (Files.exists(marker)) {
            String found = Files.readString(marker, StandardCharsets.UTF_8).strip();
            if (found.equals(Integer.toString(FORMAT))) return;
            String which = found.matches("[0-9]{1,9}") ? "format " + found : "a format it does not know";
            throw new StoreConfigurationException("the ingest journal in " + dir + " is in " + which + ", and this version reads format "
                    + FORMAT + "; start the version that wrote it and stop it cleanly (that writes what the journal holds into the event log "
                    + "and empties it), then start this one", null);
        }
        Path written = dir.resolve(FORMAT_FILE + ".new");
        try (FileChannel ch = FileChannel.open(written, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap((FORMAT + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(written, marker, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory();
    }

    /** Deletes every segment: call once DuckDB holds all they hold. */
    void clear() throws IOException {
        for (Path p : segments()) Files.delete(p);
        forceDirectory();
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        }
    }

    private void read(Path segment, boolean last, long appliedGroup, Consumer<JournaledGroup> replay) throws IOException {
        try (FileChannel ch = FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            JournalSegment bytes = JournalSegment.read(ch);
            long position = 0;
            lastGroupRead = Math.max(lastGroupRead, firstGroupOf(segment) - 1);
            while (position < bytes.size()) {
                JournalSegment.Slot slot = bytes.at(position);
                if (slot instanceof JournalSegment.Intact intact) {
                    if (intact.group().seq() > appliedGroup) replay.accept(intact.group());
                    lastGroupRead = intact.group().seq();
                    position = intact.next();
                    continue;
                }
                Optional<Long> next = bytes.nextIntact(position + 1, lastGroupRead);
                String what = slot instanceof JournalSegment.Damaged damaged ? damaged.what() : "a header of zeros";
                if (next.isEmpty()) {
                    if (slot instanceof JournalSegment.End) return;
                    if (last) {
                        // Nothing intact follows in the last segment: a write a crash interrupted, never acknowledged.
                        log.warn("cutting {} bytes off the ingest journal's last segment ({} at byte {}): a write interrupted by a crash",
                                bytes.size() - position, what, position);
                        ch.truncate(position);
                        ch.force(true);
                        return;
                    }
                }
                // Damage with acknowledged records after it (in this segment or in a later one): no crash
                // leaves that. What is intact is replayed; the damaged bytes' groups are lost, and the log
                // says which; the segment is kept aside, as it was, for whoever looks into it.
                Path kept = keepAside(segment);
                long resume = next.orElse(bytes.size());
                log.error("the ingest journal {} is damaged: {} at byte {}, {} bytes up to {}; the acknowledged groups after group {} up to the next "
                                + "intact one are lost, every intact group is replayed; the segment as it was is kept in {}",
                        segment.getFileName(), what, position, resume - position,
                        next.isPresent() ? "the next intact record" : "the segment's end", lastGroupRead, kept);
                position = resume;
            }
        }
    }

    private static long firstGroupOf(Path segment) {
        String name = segment.getFileName().toString();
        try {
            return Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
        } catch (NumberFormatException notOurs) {
            return 0;
        }
    }

    /** Copies a damaged segment out of the journal's folder (which is emptied once it is replayed). */
    private Path keepAside(Path segment) throws IOException {
        Path aside = dir.resolveSibling(dir.getFileName() + "-damaged");
        Files.createDirectories(aside);
        Path copy = aside.resolve(segment.getFileName() + "." + System.currentTimeMillis());
        if (!Files.exists(copy)) Files.copy(segment, copy);
        return copy;
    }

    /** Appends {@code group} and forces it to disk; when this returns, the group survives a crash. */
    void append(JournaledGroup group, long appliedGroup) throws IOException {
        byte[] record = group.encode();
        if (current == null || position >= SEGMENT_BYTES) begin(group.seq(), appliedGroup);
        ByteBuffer out = ByteBuffer.allocate(HEADER_BYTES + record.length).putInt(record.length).putInt(JournalSegment.checksum(record)).put(record).flip();
        long start = position;
        try {
            if (start + out.remaining() > allocated) writeAhead(start + out.remaining());
            while (out.hasRemaining()) current.write(out, start + out.position());
            current.force(false);
        } catch (IOException e) {
            // Leave no partial record for a later start to read as damage: the next append writes over it,
            // and until then a header of zeros ends the records here.
            try {
                current.write(ByteBuffer.allocate(HEADER_BYTES), start);
            } catch (IOException ignored) {
                // a start cuts it off as an interrupted write
            }
            throw e;
        }
        position = start + out.limit();
        currentLastGroup = group.seq();
    }

    /**
     * Writes zeros to the current segment up to at least {@code needed}, {@value #PREALLOCATE_BYTES} ahead
     * when the disk has room; on a nearly full disk only what the record needs. They are forced with the
     * record.
     */
    private void writeAhead(long needed) throws IOException {
        long before = allocated;
        try {
            fillZeros(Math.max(needed, before + PREALLOCATE_BYTES));
        } catch (IOException noRoomAhead) {
            cutBackTo(before);
            try {
                fillZeros(needed);
            } catch (IOException full) {
                cutBackTo(before);
                throw full;
            }
        }
    }

    /** Gives back what a failed write ahead took of the disk. */
    private void cutBackTo(long size) throws IOException {
        current.truncate(size);
        allocated = size;
    }

    private void fillZeros(long upTo) throws IOException {
        while (allocated < upTo) {
            zeros.clear().limit((int) Math.min(zeros.capacity(), upTo - allocated));
            allocated += current.write(zeros, allocated);
        }
    }

    /** Closes the current segment and begins one named by {@code firstGroup}; deletes the segments DuckDB holds. */
    private void begin(long firstGroup, long appliedGroup) throws IOException {
        if (current != null) {
            FileChannel full = current;
            current = null; // a failure below leaves no closed channel behind: the next append begins again
            closed.add(new Segment(currentPath, currentLastGroup));
            full.close();
        }
        currentPath = dir.resolve(String.format("%020d", firstGroup) + SUFFIX);
        // A segment of this name can exist only from a begin that failed before any record was written in it.
        FileChannel next = FileChannel.open(currentPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        try {
            forceDirectory(); // before any record goes in: an acknowledged record must not be in a file whose name may be lost
        } catch (IOException e) {
            next.close();
            throw e;
        }
        current = next;
        position = 0;
        allocated = 0;
        deleteApplied(appliedGroup);
    }

    private void deleteApplied(long appliedGroup) throws IOException {
        while (!closed.isEmpty() && closed.getFirst().lastGroup() <= appliedGroup) Files.deleteIfExists(closed.removeFirst().path());
    }

    /** Makes a created or deleted segment's name durable. */
    private void forceDirectory() throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }


    @Override
    public void close() throws IOException {
        if (current != null) current.close();
        current = null;
    }
}
