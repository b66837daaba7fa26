package dev.eventwire.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The event id a rejected body names, read as far as the body is JSON: rejected bodies are kept cut at 16 KiB. */
class RejectedEventIdTest {
    @Test
    void readsTheTopLevelStringEventIdAsFarAsTheBodyIsJson() {
        assertThat(EventRoutes.eventIdOf("{\"event_id\":\"cut-1\",\"data\":{\"long\":\"abc")).as("a body kept truncated").isEqualTo("cut-1");
        assertThat(EventRoutes.eventIdOf("{\"data\":{\"event_id\":\"inner\",\"x\":[1,{\"event_id\":\"deep\"}]},\"event_id\":\"top\"}")).isEqualTo("top");
        assertThat(EventRoutes.eventIdOf("{\"data\":{\"long\":\"ab")).as("cut before any event_id").isNull();
        assertThat(EventRoutes.eventIdOf("{\"event_id\":7}")).isNull();
        assertThat(EventRoutes.eventIdOf("[{\"event_id\":\"in-array\"}]")).isNull();
        assertThat(EventRoutes.eventIdOf("not json")).isNull();
        assertThat(EventRoutes.eventIdOf("")).isNull();
    }
}
