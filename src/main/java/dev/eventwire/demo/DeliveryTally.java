package dev.eventwire.demo;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local receiver and what it got: each webhook-id and how often, each event id, verified signatures. It
 * takes 200 ms to answer, as a real endpoint might, so every replica has deliveries in flight at any moment.
 */
final class DeliveryTally implements AutoCloseable {
    private final Map<String, Integer> timesByMessage = new ConcurrentHashMap<>();
    private final Map<String, Boolean> events = new ConcurrentHashMap<>();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong verified = new AtomicLong();
    private final LocalReceiver receiver = new LocalReceiver(DeliveryTally::answerAfterAMoment, this::add);

    private static int answerAfterAMoment() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 200;
    }

    private void add(LocalReceiver.Receipt r) {
        requests.incrementAndGet();
        if (r.signatureValid()) verified.incrementAndGet();
        timesByMessage.merge(r.messageId(), 1, Integer::sum);
        events.put(r.eventId(), true);
    }

    LocalReceiver receiver() {
        return receiver;
    }

    long distinct() {
        return timesByMessage.size();
    }

    long distinctEvents() {
        return events.size();
    }

    boolean hasEvent(String eventId) {
        return events.containsKey(eventId);
    }

    List<String> repeatedIds() {
        return timesByMessage.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    }

    long requests() {
        return requests.get();
    }

    long verified() {
        return verified.get();
    }

    @Override
    public void close() {
        receiver.close();
    }
}
