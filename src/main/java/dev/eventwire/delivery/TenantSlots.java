package dev.eventwire.delivery;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.function.Consumer;

/**
 * One tenant's requests in flight across all its webhooks, capped below the process's total so that no
 * tenant — however many slow webhooks it has — can hold every slot and make other tenants' deliveries
 * wait. A webhook turned away waits here; each slot the tenant frees wakes the one that waited longest.
 *
 * @param <W> what waits (a webhook's lane), woken with {@code wake}
 */
final class TenantSlots<W> {
    private final int cap;
    private final Consumer<W> wake;
    /** Changed under this object's lock; read without it as a hint (how many the tenant holds now). */
    private volatile int inFlight;
    private final LinkedHashSet<W> waiting = new LinkedHashSet<>();

    TenantSlots(int cap, Consumer<W> wake) {
        this.cap = Math.max(1, cap);
        this.wake = wake;
    }

    /** Takes a slot, or puts {@code waiter} in line (once) to be woken when one frees. */
    synchronized boolean tryTake(W waiter) {
        if (inFlight < cap) {
            inFlight++;
            return true;
        }
        waiting.add(waiter);
        return false;
    }

    /** Gives back a slot the caller took but did not use, waking nobody: it will ask again itself. */
    synchronized void giveBack() {
        inFlight--;
    }

    /** Frees a slot and wakes the webhook that waited longest for one, outside this lock. */
    void release() {
        W next = null;
        synchronized (this) {
            inFlight--;
            if (waiting.isEmpty()) return;
            Iterator<W> first = waiting.iterator();
            if (first.hasNext()) {
                next = first.next();
                first.remove();
            }
        }
        if (next != null) wake.accept(next);
    }

    int inFlight() {
        return inFlight;
    }
}
