package dev.eventwire.store.duckdb;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;

class SlowAcknowledgementsTest {
    private static final long SECOND = 1_000_000_000L;

    private static SlowAcknowledgements into(ListAppender<ILoggingEvent> lines) {
        Logger logger = new LoggerContext().getLogger("ingest");
        lines.start();
        logger.addAppender(lines);
        return new SlowAcknowledgements(logger);
    }

    @Test
    void aSlowAcknowledgementIsExplainedStageByStage() {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        SlowAcknowledgements slow = into(lines);

        slow.acknowledged(new SlowAcknowledgements.Stages(0, 200, 10, 30, 9, 12), 0);
        assertThat(lines.list).as("249 ms in all is not slow").isEmpty();
        slow.acknowledged(new SlowAcknowledgements.Stages(0, 5_400, 2, 95, 3, 312), SECOND);
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "slow acknowledgement: 5500 ms (being admitted 0 ms, queued for the journaling thread 5400 ms, planning its group of 312 requests"
                        + " 2 ms, writing and forcing the journal 95 ms, handing the group on 3 ms)");
    }

    @Test
    void slowGroupsWithinTenSecondsOfALineAreCountedAndTheSlowestIsExplainedByTheNextLine() {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        SlowAcknowledgements slow = into(lines);

        slow.acknowledged(new SlowAcknowledgements.Stages(0, 0, 1, 300, 0, 1), 0);
        slow.acknowledged(new SlowAcknowledgements.Stages(1_200, 10, 1, 5, 0, 4), 2 * SECOND);
        slow.acknowledged(new SlowAcknowledgements.Stages(0, 400, 1, 5, 0, 2), 3 * SECOND);
        slow.acknowledged(new SlowAcknowledgements.Stages(0, 1, 1, 1, 0, 1), 9 * SECOND);
        assertThat(lines.list).as("one line per ten seconds").hasSize(1);
        slow.acknowledged(new SlowAcknowledgements.Stages(0, 1, 1, 1, 0, 1), 10 * SECOND);
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).last().isEqualTo(
                "slow acknowledgements: 2 groups since the last such line, the slowest 1216 ms (being admitted 1200 ms, queued for the journaling"
                        + " thread 10 ms, planning its group of 4 requests 1 ms, writing and forcing the journal 5 ms, handing the group on 0 ms)");
        slow.acknowledged(new SlowAcknowledgements.Stages(0, 1, 1, 1, 0, 1), 30 * SECOND);
        assertThat(lines.list).as("nothing slow since").hasSize(2);
    }
}
