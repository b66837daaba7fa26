package dev.eventwire.delivery;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.function.Consumer;
import java.util.function.ToIntFunction;

/**
 * One tenant's requests in flight across all its webhooks, capped below the process's total so that no
 * tenant — however many slow webhooks it has — can hold every slot and make other tenants' deliveries
 * wait. Within the tenant, the fewer slots a webhook holds, the more of the tenant's it may draw on:
 * holding h, it takes another only while more than h/2 of the tenant's are free. Four or five of a
 * tenant's webhooks that hang thus leave slots for its healthy ones; before, they took the whole cap
 * (5 × 32 of 128) and the tenant's healthy webhook waited a delivery timeout for each request. A webhook
 * turned away waits here; each slot the tenant frees wakes the one that waited longest among those it lets in.
 *
 * @param <W> what waits (a webhook's lane), woken with {@code wake}
 */
final class TenantSlots<W> {
    private final int cap;
    private final Consumer<W> wake;
    /** The slots a webhook holds now (read as a hint when choosing whom to wake). */
    private final ToIntFunction<W> held;
    /** Changed under this object's lock; read without it as a hint (how many the tenant holds now). */
    private volatile int inFlight;
    private final LinkedHashSet<W> waiting = new LinkedHashSet<>();

    TenantSlots(int cap, Consumer<W> wake, ToIntFunction<W> held) {
        this.cap = Math.max(1, cap);
        this.wake = wake;
        this.held = held;
    }

    /** Takes a slot for {@code waiter}, or puts it in line (once) to be woken when one it may take frees. */
    synchronized boolean tryTake(W waiter) {
        if (admits(held.applyAsInt(waiter))) {
            inFlight++;
            return true;
        }
        waiting.add(waiter);
        return false;
    }

    /** Called with this object's lock held. */
    private boolean admits(int heldByWebhook) {
        return cap - inFlight > heldByWebhook / 2; // a webhook holding none takes one while any is free
    }

    /** Gives back a slot the caller took but did not use, waking nobody: it will ask again itself. */
    synchronized void giveBack() {
        inFlight--;
    }

    /** Frees a slot and wakes the webhook that waited longest among those it may go to, outside this lock. */
    void release() {
        W next = null;
        synchronized (this) {
            inFlight--;
            for (Iterator<W> it = waiting.iterator(); it.hasNext(); ) {
                W candidate = it.next();
                if (admits(held.applyAsInt(candidate))) {
                    next = candidate;
                    it.remove();
                    break;
                }
            }
        }
        if (next != null) wake.accept(next);
    }

    int inFlight() {
        return inFlight;
    }
}
