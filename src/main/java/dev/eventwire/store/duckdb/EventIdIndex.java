package dev.eventwire.store.duckdb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.OptionalLong;

/**
 * Which {@code (tenant, event id)} pairs the event log holds, and each one's log position: the log's
 * unique index, kept in memory instead of in DuckDB. A DuckDB primary key made every ingest commit wait
 * for each checkpoint, which rewrote the whole index, and its lookup cost grew with the log; here a lookup
 * is a few array reads (see docs/event-id-index.md).
 *
 * <p>A pair is known by a 128-bit fingerprint (SHA-256, truncated): two different pairs sharing one is
 * so unlikely (about 10<sup>-21</sup> among a billion stored events) that the fingerprint is taken as the
 * pair itself. An open-addressing table of three primitive arrays holds fingerprint and position, about
 * 40 bytes per stored event. Lookups and changes take the table's lock for a few array reads each.
 */
final class EventIdIndex {
    private static final long EMPTY = 0; // log positions start at 1
    private static final double MAX_LOAD = 0.7;

    private long[] high;
    private long[] low;
    private long[] positions;
    private int mask;
    private int size;

    /** A pair as the index knows it. */
    record Fingerprint(long high, long low) {
        static Fingerprint of(String tenant, String eventId) {
            MessageDigest sha;
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JDK has SHA-256", e);
            }
            byte[] t = tenant.getBytes(StandardCharsets.UTF_8);
            sha.update(ByteBuffer.allocate(4).putInt(t.length).array()); // the length keeps ("ab","c") apart from ("a","bc")
            sha.update(t);
            ByteBuffer digest = ByteBuffer.wrap(sha.digest(eventId.getBytes(StandardCharsets.UTF_8)));
            return new Fingerprint(digest.getLong(), digest.getLong());
        }
    }

    EventIdIndex(long expected) {
        allocate(capacityFor(expected));
    }

    /** The index of every event the log holds, read at start (a few seconds for ten million events). */
    static EventIdIndex load(Connection connection) throws SQLException {
        long started = System.nanoTime();
        try (Statement st = connection.createStatement()) {
            long count;
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM events")) {
                rs.next();
                count = rs.getLong(1);
            }
            EventIdIndex index = new EventIdIndex(count);
            try (ResultSet rs = st.executeQuery("SELECT tenant, event_id, seq FROM events")) {
                while (rs.next()) index.put(Fingerprint.of(rs.getString(1), rs.getString(2)), rs.getLong(3));
            }
            StartLog.ended(started, "read the ids of the {} events stored, for duplicate checks", count);
            return index;
        }
    }

    /** The log position of the pair, if the log holds it. */
    synchronized OptionalLong positionOf(Fingerprint f) {
        int slot = find(f);
        return positions[slot] == EMPTY ? OptionalLong.empty() : OptionalLong.of(positions[slot]);
    }

    synchronized int size() {
        return size;
    }

    /** Records that the log holds the pair at {@code position} (> 0). */
    synchronized void put(Fingerprint f, long position) {
        if (position <= EMPTY) throw new IllegalArgumentException("log positions start at 1: " + position);
        if (size + 1 > (long) (positions.length * MAX_LOAD)) grow();
        int slot = find(f);
        if (positions[slot] == EMPTY) size++;
        high[slot] = f.high();
        low[slot] = f.low();
        positions[slot] = position;
    }

    /**
     * Forgets the pair if it is still at {@code position} (an event removed by retention), shifting later
     * entries of its probe run back so lookups never need markers for removed entries.
     */
    synchronized void remove(Fingerprint f, long position) {
        int hole = find(f);
        if (positions[hole] != position) return;
        positions[hole] = EMPTY;
        size--;
        for (int next = (hole + 1) & mask; positions[next] != EMPTY; next = (next + 1) & mask) {
            int home = home(low[next]);
            // The entry may move into the hole only if its home slot is not cyclically in (hole, next].
            boolean homeAfterHole = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (homeAfterHole) continue;
            high[hole] = high[next];
            low[hole] = low[next];
            positions[hole] = positions[next];
            positions[next] = EMPTY;
            hole = next;
        }
    }

    /** The slot holding {@code f}, or the empty slot where it would go. */
    private int find(Fingerprint f) {
        int slot = home(f.low());
        while (positions[slot] != EMPTY && (low[slot] != f.low() || high[slot] != f.high())) slot = (slot + 1) & mask;
        return slot;
    }

    private int home(long lowBits) {
        return (int) lowBits & mask;
    }

    private void grow() {
        long[] oldHigh = high;
        long[] oldLow = low;
        long[] oldPositions = positions;
        if (oldPositions.length >= 1 << 30) throw new IllegalStateException("too many stored events for the in-memory id index: " + size);
        allocate(oldPositions.length * 2);
        for (int i = 0; i < oldPositions.length; i++) {
            if (oldPositions[i] == EMPTY) continue;
            int slot = home(oldLow[i]);
            while (positions[slot] != EMPTY) slot = (slot + 1) & mask;
            high[slot] = oldHigh[i];
            low[slot] = oldLow[i];
            positions[slot] = oldPositions[i];
        }
    }

    private void allocate(int capacity) {
        high = new long[capacity];
        low = new long[capacity];
        positions = new long[capacity];
        mask = capacity - 1;
    }

    private static int capacityFor(long expected) {
        long wanted = Math.max(1024, (long) (expected / MAX_LOAD) + 1);
        if (wanted > 1 << 30) throw new IllegalStateException("too many stored events for the in-memory id index: " + expected);
        return Integer.highestOneBit((int) wanted - 1) << 1;
    }
}
