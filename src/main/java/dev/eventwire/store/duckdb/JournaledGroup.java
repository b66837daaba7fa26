package dev.eventwire.store.duckdb;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The rows one acknowledged ingest group adds to the event log, exactly as they are written to DuckDB:
 * new webhook sets, events (each with the record of the deliveries it owes), rejected events and metric
 * points, all numbered. The {@link IngestJournal} keeps them in this binary form until DuckDB holds them;
 * the same value is applied after the acknowledgement and, after a crash, again from the journal.
 */
record JournaledGroup(long seq, List<SetRow> sets, List<EventRow> events, List<RejectedRow> rejected, List<PointRow> points) {

    record SetRow(long id, String webhooks) {
    }

    /** {@code deliveriesFrom} and {@code fanOut} are null for an event that owes no delivery. */
    record EventRow(long seq, String tenant, String eventId, String eventType, String entityId, long occurredMicros, long receivedMicros,
                    String body, Long deliveriesFrom, String fanOut) {
    }

    record RejectedRow(long seq, String tenant, long receivedMicros, String code, String message, String field, String body) {
    }

    record PointRow(long seq, String tenant, String metric, long occurredMicros, BigDecimal value, String distinctValue) {
    }

    boolean isEmpty() {
        return sets.isEmpty() && events.isEmpty() && rejected.isEmpty() && points.isEmpty();
    }

    /** The highest event log position in this group, or 0 when it holds no event. */
    long lastEventSeq() {
        return events.isEmpty() ? 0 : events.getLast().seq();
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256 + events.size() * 256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(seq);
            out.writeInt(sets.size());
            for (SetRow s : sets) {
                out.writeLong(s.id());
                text(out, s.webhooks());
            }
            out.writeInt(events.size());
            for (EventRow e : events) {
                out.writeLong(e.seq());
                text(out, e.tenant());
                text(out, e.eventId());
                text(out, e.eventType());
                text(out, e.entityId());
                out.writeLong(e.occurredMicros());
                out.writeLong(e.receivedMicros());
                text(out, e.body());
                out.writeBoolean(e.deliveriesFrom() != null);
                if (e.deliveriesFrom() != null) {
                    out.writeLong(e.deliveriesFrom());
                    text(out, e.fanOut());
                }
            }
            out.writeInt(rejected.size());
            for (RejectedRow r : rejected) {
                out.writeLong(r.seq());
                text(out, r.tenant());
                out.writeLong(r.receivedMicros());
                text(out, r.code());
                text(out, r.message());
                text(out, r.field());
                text(out, r.body());
            }
            out.writeInt(points.size());
            for (PointRow p : points) {
                out.writeLong(p.seq());
                text(out, p.tenant());
                text(out, p.metric());
                out.writeLong(p.occurredMicros());
                text(out, p.value() == null ? null : p.value().toPlainString());
                text(out, p.distinctValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** Reads what {@link #encode()} wrote; throws {@link IOException} on bytes it did not write. */
    static JournaledGroup decode(byte[] encoded) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded));
        long seq = in.readLong();
        List<SetRow> sets = new ArrayList<>();
        for (int n = count(in); n > 0; n--) sets.add(new SetRow(in.readLong(), text(in)));
        List<EventRow> events = new ArrayList<>();
        for (int n = count(in); n > 0; n--) {
            long eventSeq = in.readLong();
            String tenant = text(in);
            String eventId = text(in);
            String eventType = text(in);
            String entityId = text(in);
            long occurred = in.readLong();
            long received = in.readLong();
            String body = text(in);
            boolean owes = in.readBoolean();
            Long from = owes ? in.readLong() : null;
            String fanOut = owes ? text(in) : null;
            events.add(new EventRow(eventSeq, tenant, eventId, eventType, entityId, occurred, received, body, from, fanOut));
        }
        List<RejectedRow> rejected = new ArrayList<>();
        for (int n = count(in); n > 0; n--) {
            rejected.add(new RejectedRow(in.readLong(), text(in), in.readLong(), text(in), text(in), text(in), text(in)));
        }
        List<PointRow> points = new ArrayList<>();
        for (int n = count(in); n > 0; n--) {
            long pointSeq = in.readLong();
            String tenant = text(in);
            String metric = text(in);
            long occurred = in.readLong();
            String value = text(in);
            points.add(new PointRow(pointSeq, tenant, metric, occurred, value == null ? null : new BigDecimal(value), text(in)));
        }
        if (in.available() != 0) throw new IOException("a journal record has " + in.available() + " bytes after its group");
        return new JournaledGroup(seq, sets, events, rejected, points);
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) throw new IOException("a journal record holds a negative count");
        return n;
    }

    /** A string as its UTF-8 length (-1 for null) and bytes: bodies may be far longer than writeUTF takes. */
    private static void text(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String text(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length == -1) return null;
        if (length < 0 || length > in.available()) throw new IOException("a journal record holds a string longer than the record");
        byte[] b = in.readNBytes(length);
        return new String(b, StandardCharsets.UTF_8);
    }
}
