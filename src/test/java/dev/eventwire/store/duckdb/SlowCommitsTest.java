package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

class SlowCommitsTest {
    private static final long SECOND = 1_000_000_000L;

    /** A writer's slow-commit lines, caught in {@code lines}. */
    private static SlowCommits slowCommitsInto(ListAppender<ILoggingEvent> lines, String writer) {
        Logger logger = new LoggerContext().getLogger("writer");
        lines.start();
        logger.addAppender(lines);
        return new SlowCommits(logger, writer);
    }

    @Test
    void aRunOfSlowCommitsIsOneLineEveryTenSecondsWithItsCountAndTheSlowest() {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        SlowCommits slow = slowCommitsInto(lines, "eventwire-delivery-writer");

        slow.committed(249, 5, 0);
        assertThat(lines.list).as("under 250 ms is not slow").isEmpty();
        slow.committed(300, 1, SECOND);
        slow.committed(400, 2, 2 * SECOND);
        slow.committed(900, 3, 3 * SECOND);
        slow.committed(260, 4, 5 * SECOND);
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("slow commit on eventwire-delivery-writer: 300 ms for 1 piece of work");
        slow.committed(270, 7, 11 * SECOND);
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).last()
                .isEqualTo("slow commits on eventwire-delivery-writer: 4 since the last such line, the slowest 900 ms for 3 pieces of work");
        slow.committed(280, 1, 30 * SECOND);
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).last()
                .isEqualTo("slow commit on eventwire-delivery-writer: 280 ms for 1 piece of work");
        assertThat(lines.list).hasSize(3);
    }

    @Test
    void aStallRightAfterALoggedLineIsReportedByTheFirstCommitAfterTheQuietPeriodEvenAFastOne() {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        SlowCommits slow = slowCommitsInto(lines, "eventwire-ingest-journal");

        slow.committed(578, 3, 0);
        slow.committed(5_500, 2, 2 * SECOND);
        slow.committed(3, 1, 9 * SECOND);
        assertThat(lines.list).as("within the quiet period").hasSize(1);
        slow.committed(3, 1, 10 * SECOND);
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
                .containsExactly("slow commit on eventwire-ingest-journal: 578 ms for 3 pieces of work",
                        "slow commit on eventwire-ingest-journal: 5500 ms for 2 pieces of work");
        slow.committed(3, 1, 30 * SECOND);
        assertThat(lines.list).as("nothing slow since").hasSize(2);
    }
}
