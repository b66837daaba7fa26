package dev.eventwire.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eventwire.support.ApiException;
import dev.eventwire.support.Json;
import org.junit.jupiter.api.Test;

class FiltersCodecTest {
    private final Json json = new Json();
    private final FiltersCodec codec = new FiltersCodec(json);

    @Test
    void aRequestsEntityIdWithABidirectionalControlIsRefusedButAStoredOneStillLoads() {
        String filters = "{\"entity_ids\":[\"abc\\u202edef\"]}";
        assertThatThrownBy(() -> codec.read(json.read(filters))).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(422);
            assertThat(e.field()).hasValue("filters.entity_ids");
        });
        // An earlier version stored such filters: refusing them on load would take the webhook, and the start, down with them.
        assertThat(codec.readString(filters).entityIds()).containsExactly("abc\u202edef");
    }
}
