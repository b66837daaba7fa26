package dev.eventwire.store;

import dev.eventwire.delivery.AttemptRecord;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Which outcomes of a batch applied, as each store answers them: those it wrote to the attempt log (a test
 * send always is; of two for one delivery, the later; none whose lease another replica had taken over).
 * By identity, since two outcomes may be equal values and only one of them applied.
 */
public final class AppliedOutcomes {
    private AppliedOutcomes() {
    }

    /** One answer per submitted outcome, in order: whether it is among {@code written}. */
    public static List<Boolean> of(List<AttemptRecord> submitted, Collection<AttemptRecord> written) {
        Set<AttemptRecord> applied = Collections.newSetFromMap(new IdentityHashMap<>());
        applied.addAll(written);
        return submitted.stream().map(applied::contains).toList();
    }
}
