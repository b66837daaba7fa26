package dev.eventwire;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedSettingsTest {
    private final ServeConfig base = ServeConfig.local(Path.of("unused"));

    @Test
    void theSameSettingsWrittenInAnotherOrderAgree() {
        SharedSettings one = SharedSettings.of(base.withEgressAllow(List.of("127.0.0.1/32", "localhost")));
        SharedSettings other = SharedSettings.of(base.withEgressAllow(List.of("localhost", "127.0.0.1/32")));
        assertThat(one.differingFrom(SharedSettings.decode(other.encoded()))).isEmpty();
    }

    @Test
    void whatDiffersIsNamedByOption() {
        SharedSettings one = SharedSettings.of(base);
        SharedSettings other = SharedSettings.of(base.withRetrySchedule(List.of(Duration.ofSeconds(1))).withDeliveryTimeout(Duration.ofSeconds(3)));
        assertThat(one.differingFrom(SharedSettings.decode(other.encoded()))).containsExactly("--delivery-timeout", "--retry-schedule");
    }

    @Test
    void aReplicaThatPublishesNoSettingsDiffersInNothing() {
        // A replica of a version from before settings were published, during a rolling upgrade.
        assertThat(SharedSettings.of(base).differingFrom(SharedSettings.decode(""))).isEmpty();
    }
}
