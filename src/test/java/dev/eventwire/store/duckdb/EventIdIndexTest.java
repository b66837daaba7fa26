package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The in-memory id index answers exactly as a map of (tenant, event id) to log position would. */
class EventIdIndexTest {
    /** One step: store an id at a position, or remove an id if it is still at that position. */
    record Step(boolean put, String tenant, String eventId, long position) {
    }

    @Property(tries = 200)
    void answersLikeAMapThroughGrowthAndRemovals(@ForAll("steps") List<Step> steps) {
        EventIdIndex index = new EventIdIndex(0);
        Map<List<String>, Long> model = new HashMap<>();
        for (Step s : steps) {
            EventIdIndex.Fingerprint f = EventIdIndex.Fingerprint.of(s.tenant(), s.eventId());
            List<String> key = List.of(s.tenant(), s.eventId());
            if (s.put()) {
                index.put(f, s.position());
                model.put(key, s.position());
            } else {
                index.remove(f, s.position());
                model.remove(key, s.position());
            }
        }
        assertThat(index.size()).isEqualTo(model.size());
        for (Step s : steps) {
            Long expected = model.get(List.of(s.tenant(), s.eventId()));
            OptionalLong actual = index.positionOf(EventIdIndex.Fingerprint.of(s.tenant(), s.eventId()));
            assertThat(actual).isEqualTo(expected == null ? OptionalLong.empty() : OptionalLong.of(expected));
        }
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        // Few distinct ids and many steps, so puts, overwrites and removals hit the same probe runs; up to
        // 3,000 steps, so the table grows past its first size of 1,024 slots.
        Arbitrary<String> tenants = Arbitraries.of("t1", "t2", "t");
        Arbitrary<String> ids = Arbitraries.integers().between(0, 1500).map(i -> "evt-" + i);
        Arbitrary<Step> step = Combinators.combine(Arbitraries.integers().between(0, 9).map(i -> i < 7), tenants, ids,
                Arbitraries.longs().between(1, 4)).as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(3000);
    }

    @Test
    void tenantAndIdAreNotConfusedAcrossTheirBoundary() {
        EventIdIndex index = new EventIdIndex(10);
        index.put(EventIdIndex.Fingerprint.of("ab", "c"), 1);
        assertThat(index.positionOf(EventIdIndex.Fingerprint.of("a", "bc"))).isEmpty();
        assertThat(index.positionOf(EventIdIndex.Fingerprint.of("ab", "c"))).hasValue(1);
    }

    @Test
    void aRemovalOfAnOlderPositionLeavesTheNewerOne() {
        EventIdIndex index = new EventIdIndex(10);
        EventIdIndex.Fingerprint f = EventIdIndex.Fingerprint.of("t", "evt-1");
        index.put(f, 7);
        index.remove(f, 3);
        assertThat(index.positionOf(f)).hasValue(7);
        index.remove(f, 7);
        assertThat(index.positionOf(f)).isEmpty();
    }
}
