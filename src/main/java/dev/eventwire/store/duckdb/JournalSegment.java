package dev.eventwire.store.duckdb;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * The bytes of one journal segment, read whole, and what stands at a position in them: an intact record
 * (header, checksum and group all valid), the zeros where the records end, or damage. Finding the next
 * intact record after damage tells a crash's torn tail (nothing intact follows: each record is forced
 * before the next is written) from damage to records that were acknowledged before others.
 */
final class JournalSegment {
    static final int HEADER_BYTES = 8;

    /** What a position holds. */
    sealed interface Slot permits Intact, End, Damaged {
    }

    /** A record whose checksum and contents are valid; the next one starts at {@code next}. */
    record Intact(JournaledGroup group, long next) implements Slot {
    }

    /** A header of zeros: the zeros written ahead, where the records end. */
    record End() implements Slot {
    }

    /** Bytes that are no intact record, and why. */
    record Damaged(String what) implements Slot {
    }

    private final ByteBuffer bytes;

    private JournalSegment(ByteBuffer bytes) {
        this.bytes = bytes;
    }

    static JournalSegment read(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size > Integer.MAX_VALUE - 16) throw new IOException("a journal segment of " + size + " bytes, more than one can hold");
        ByteBuffer bytes = ByteBuffer.allocate((int) size);
        while (bytes.hasRemaining() && channel.read(bytes, bytes.position()) >= 0) {
            // reads until full
        }
        return new JournalSegment(bytes.flip());
    }

    long size() {
        return bytes.limit();
    }

    Slot at(long position) {
        int p = (int) position;
        if (size() - p < HEADER_BYTES) return new Damaged("a record header cut short");
        int length = bytes.getInt(p);
        int crc = bytes.getInt(p + 4);
        if (length == 0 && crc == 0) return new End();
        if (length < 0 || length > size() - p - HEADER_BYTES) return new Damaged("a record cut short");
        CRC32C sum = new CRC32C();
        sum.update(bytes.slice(p + HEADER_BYTES, length));
        if ((int) sum.getValue() != crc) return new Damaged("a record failing its checksum");
        byte[] record = new byte[length];
        bytes.get(p + HEADER_BYTES, record);
        try {
            return new Intact(JournaledGroup.decode(record), p + HEADER_BYTES + (long) length);
        } catch (IOException unreadable) {
            return new Damaged("a record whose contents cannot be read (" + unreadable.getMessage() + ")");
        }
    }

    /**
     * The first position from {@code from} on holding an intact record of a group later than {@code afterGroup}.
     * A record begins with its group's number, and groups are numbered one after another, so a position
     * whose length does not fit or whose first eight bytes are not a number soon after {@code afterGroup}
     * is ruled out before any checksum is taken: the scan costs little beside the one read of the segment.
     */
    Optional<Long> nextIntact(long from, long afterGroup) {
        for (long q = from; q + HEADER_BYTES + Long.BYTES <= size(); q++) {
            int length = bytes.getInt((int) q);
            if (length < Long.BYTES || length > size() - q - HEADER_BYTES) continue;
            long group = bytes.getLong((int) q + HEADER_BYTES);
            if (group <= afterGroup || group - afterGroup > size()) continue;
            if (at(q) instanceof Intact) return Optional.of(q);
        }
        return Optional.empty();
    }

    static int checksum(byte[] record) {
        CRC32C crc = new CRC32C();
        crc.update(record);
        return (int) crc.getValue();
    }
}
