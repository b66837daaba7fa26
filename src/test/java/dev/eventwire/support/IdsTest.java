package dev.eventwire.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Message ids of one event are stored as a family: its first member and a number per delivery. */
class IdsTest {
    @Test
    void siblingsAreDistinctKeepTheirFamilysTimeAndAreFoundAgainFromAnyMember() {
        Ids ids = new Ids(Clock.systemUTC());
        String base = ids.timeOrdered("msg_");
        Set<String> family = new HashSet<>();
        IntStream.range(0, 5000).forEach(i -> family.add(Ids.sibling(base, i)));
        assertThat(family).hasSize(5000).allSatisfy(id -> {
            assertThat(id).startsWith("msg_").hasSize(base.length());
            assertThat(Ids.createdAt(id)).isEqualTo(Ids.createdAt(base));
        });
        String first = Ids.sibling(base, 0);
        assertThat(Ids.sibling(first, 4321)).isEqualTo(Ids.sibling(base, 4321));
        assertThat(Ids.sibling(ids.timeOrdered("msg_"), 7)).as("another family").isNotIn(family);
        assertThatThrownBy(() -> Ids.sibling(base, Ids.MAX_SIBLINGS)).isInstanceOf(IllegalArgumentException.class);
    }
}
