package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

class SlowCommitsTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void aRunOfSlowCommitsIsOneLineEveryTenSecondsWithItsCountAndTheSlowest() {
        Logger logger = new LoggerContext().getLogger("writer");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        SlowCommits slow = new SlowCommits(logger, "eventwire-delivery-writer");

        slow.committed(249, 5, 0);
        assertThat(lines.list).as("under 250 ms is not slow").isEmpty();
        slow.committed(300, 1, SECOND);
        slow.committed(400, 2, 2 * SECOND);
        slow.committed(900, 3, 3 * SECOND);
        slow.committed(260, 4, 5 * SECOND);
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("slow commit on eventwire-delivery-writer: 300 ms for 1 pieces of work");
        slow.committed(270, 7, 11 * SECOND);
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).last()
                .isEqualTo("slow commits on eventwire-delivery-writer: 4 since the last such line, the slowest 900 ms for 3 pieces of work");
        slow.committed(280, 1, 30 * SECOND);
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).last()
                .isEqualTo("slow commit on eventwire-delivery-writer: 280 ms for 1 pieces of work");
        assertThat(lines.list).hasSize(3);
    }
}
