package dev.eventwire.store.duckdb;

import dev.eventwire.events.AppendOutcome;
import dev.eventwire.events.NewEvent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A child process for the journal's crash test: creates a webhook, then holds the event log's writer
 * (a second webhook's creation whose after-commit step never returns), so what it acknowledges next is
 * only in the journal; acknowledges {@code args[1]} events and dies like kill -9.
 */
public final class IngestAndHalt {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int events = Integer.parseInt(args[1]);
        JournaledStore store = JournaledStore.open(dir);
        store.backend().webhooks().insert(JournaledStore.webhook("wh_1"), 100, () -> store.registry().put(JournaledStore.webhook("wh_1")));
        CountDownLatch writerHeld = new CountDownLatch(1);
        Thread.ofPlatform().daemon().start(() -> store.backend().webhooks().insert(JournaledStore.webhook("wh_2"), 100, () -> {
            writerHeld.countDown();
            try {
                new CountDownLatch(1).await(); // the event log's writer never gets further
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }));
        writerHeld.await();
        int acknowledged = 0;
        for (int request = 0; request * 10 < events; request++) {
            List<NewEvent> batch = new ArrayList<>();
            for (int i = request * 10; i < Math.min(events, request * 10 + 10); i++) batch.add(JournaledStore.event("e-" + i));
            for (AppendOutcome o : store.events().append(batch, List.of()).get()) if (o == AppendOutcome.ACCEPTED) acknowledged++;
        }
        System.out.println("acknowledged " + acknowledged);
        System.out.flush();
        Runtime.getRuntime().halt(0);
    }
}
