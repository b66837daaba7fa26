package dev.eventwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The benchmark receiver tells a repeated webhook-id from a new one across a long run's worth of ids. */
class SeenIdsTest {
    @Test
    void everyNewIdIsNewOnceAndEveryRepeatIsARepeat() {
        ReceiveCommand.SeenIds seen = new ReceiveCommand.SeenIds();
        int ids = 2_000_000;
        int wrongFirsts = 0;
        for (int i = 0; i < ids; i++) if (!seen.add("msg_2Vx" + Integer.toString(i, 36) + "q")) wrongFirsts++;
        assertThat(wrongFirsts).as("new ids taken for repeats").isZero();
        assertThat(seen.size()).isEqualTo(ids);
        int missedRepeats = 0;
        for (int i = 0; i < ids; i += 7) if (seen.add("msg_2Vx" + Integer.toString(i, 36) + "q")) missedRepeats++;
        assertThat(missedRepeats).as("repeats taken for new ids").isZero();
        assertThat(seen.add("msg_2Vx" + Integer.toString(ids, 36) + "q")).as("the next new id").isTrue();
    }
}
