package dev.eventwire.store.duckdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An append-only file of acknowledged ingest groups, written and forced to disk before the requests in
 * them are answered; DuckDB is written behind it. A DuckDB checkpoint then holds up the writing of the
 * event log, never an acknowledgement (see docs/ingest-journal.md).
 *
 * <p>Records are {@code [length][CRC-32C][bytes]} in segment files named by the first group they hold.
 * A record cut short or failing its checksum at the end of the last segment is what a crash left while
 * writing it — never acknowledged — and is cut off at start; anywhere else it is damage, and the start
 * stops. Segments whose groups DuckDB holds are deleted once a newer one is begun.
 */
final class IngestJournal implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngestJournal.class);
    private static final String SUFFIX = ".journal";
    /** A new segment is begun once the current one is this large, so applied ones can be deleted. */
    private static final long SEGMENT_BYTES = 32L * 1024 * 1024;
    private static final int HEADER_BYTES = 8;

    private final Path dir;
    /** Segments before the current one and the last group each holds (the writer's thread only). */
    private final List<Segment> closed = new ArrayList<>();
    private FileChannel current;
    private Path currentPath;
    private long currentLastGroup;

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
        Files.createDirectories(dir);
        IngestJournal journal = new IngestJournal(dir);
        List<Path> segments = journal.segments();
        for (int i = 0; i < segments.size(); i++) journal.read(segments.get(i), i == segments.size() - 1, appliedGroup, replay);
        return journal;
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
            long size = ch.size();
            long position = 0;
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
            while (position < size) {
                String damage = null;
                byte[] record = null;
                header.clear();
                if (size - position < HEADER_BYTES) {
                    damage = "a record header cut short";
                } else {
                    ch.read(header, position);
                    header.flip();
                    int length = header.getInt();
                    int crc = header.getInt();
                    if (length <= 0 || length > size - position - HEADER_BYTES) {
                        damage = "a record cut short";
                    } else {
                        ByteBuffer body = ByteBuffer.allocate(length);
                        while (body.hasRemaining()) ch.read(body, position + HEADER_BYTES + body.position());
                        record = body.array();
                        if (checksum(record) != crc) damage = "a record failing its checksum";
                    }
                }
                if (damage != null) {
                    if (!last) throw new IOException("the ingest journal " + segment.getFileName() + " holds " + damage + " at byte " + position);
                    // The tail of the last segment: a write a crash interrupted, never acknowledged.
                    log.warn("cutting {} bytes off the ingest journal's last segment ({} at byte {}): a write interrupted by a crash",
                            size - position, damage, position);
                    ch.truncate(position);
                    ch.force(true);
                    return;
                }
                JournaledGroup group = JournaledGroup.decode(record);
                if (group.seq() > appliedGroup) replay.accept(group);
                position += HEADER_BYTES + record.length;
            }
        }
    }

    /** Appends {@code group} and forces it to disk; when this returns, the group survives a crash. */
    void append(JournaledGroup group, long appliedGroup) throws IOException {
        byte[] record = group.encode();
        if (current == null || current.size() >= SEGMENT_BYTES) begin(group.seq(), appliedGroup);
        ByteBuffer[] out = {ByteBuffer.allocate(HEADER_BYTES).putInt(record.length).putInt(checksum(record)).flip(), ByteBuffer.wrap(record)};
        long start = current.size();
        try {
            while (out[1].hasRemaining()) current.write(out);
            current.force(false);
        } catch (IOException e) {
            // Leave no partial record for the next append to follow (a full disk): it would read as damage.
            try {
                current.truncate(start);
            } catch (IOException ignored) {
                // the start cuts it off as an interrupted write
            }
            throw e;
        }
        currentLastGroup = group.seq();
    }

    /** Closes the current segment and begins one named by {@code firstGroup}; deletes the segments DuckDB holds. */
    private void begin(long firstGroup, long appliedGroup) throws IOException {
        if (current != null) {
            current.close();
            closed.add(new Segment(currentPath, currentLastGroup));
        }
        currentPath = dir.resolve(String.format("%020d", firstGroup) + SUFFIX);
        current = FileChannel.open(currentPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        forceDirectory();
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

    private static int checksum(byte[] record) {
        CRC32C crc = new CRC32C();
        crc.update(record);
        return (int) crc.getValue();
    }

    @Override
    public void close() throws IOException {
        if (current != null) current.close();
        current = null;
    }
}
