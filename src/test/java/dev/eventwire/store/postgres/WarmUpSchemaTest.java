package dev.eventwire.store.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The warm-up schema's name comes from the replica id, which an operator writes: it must always be a plain identifier. */
class WarmUpSchemaTest {
    @Test
    void anyReplicaIdBecomesAPlainIdentifierOfAtMost63Characters() {
        assertThat(WarmUpSchema.nameFor("web-7f9c.eu-west-1")).isEqualTo("eventwire_warm_up_web_7f9c_eu_west_1");
        assertThat(WarmUpSchema.nameFor("r1\"; DROP SCHEMA public CASCADE; --")).matches("[a-z0-9_]+");
        assertThat(WarmUpSchema.nameFor("Ünïcode Replica")).matches("[a-z0-9_]+");
        String longest = WarmUpSchema.nameFor("x".repeat(200));
        assertThat(longest).hasSize(63).startsWith("eventwire_warm_up_x");
    }
}
