package dev.eventwire.delivery;

/**
 * How many requests one webhook may have in flight, following how its receiver answers. An attempt that
 * held its slot for a second or more (half the delivery timeout, if that is shorter) and got no HTTP
 * answer (a timeout, a handshake or a connect that stalls) halves it, down to one; every answer, whatever its status, raises it by one, up to
 * the webhook's cap. A receiver that hangs therefore holds one of the process's slots instead of its whole
 * cap within a few attempts, and one that answers again is back to its cap after as many answers.
 * A fast failure (connection refused) holds a slot for milliseconds and changes nothing. Not thread-safe:
 * its lane's lock guards it.
 */
final class SendAllowance {
    private final int ceiling;
    private final long slowMillis;
    private int allowed;

    SendAllowance(int ceiling, java.time.Duration deliveryTimeout) {
        this.ceiling = Math.max(1, ceiling);
        this.slowMillis = Math.min(1_000, deliveryTimeout.toMillis() / 2);
        this.allowed = this.ceiling;
    }

    int allowed() {
        return allowed;
    }

    void record(AttemptResult result) {
        if (result instanceof AttemptResult.Failed failed && failed.statusCode().isEmpty()) {
            if (failed.durationMillis() >= slowMillis) allowed = Math.max(1, allowed / 2);
        } else {
            allowed = Math.min(ceiling, allowed + 1);
        }
    }
}
