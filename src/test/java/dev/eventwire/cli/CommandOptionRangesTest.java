package dev.eventwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eventwire.cli.CliProcess.Result;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The numbers {@code demo} and {@code bench} take are checked before they start anything, as serve's
 * are: a negative or zero size ran an empty demo, or a bench that died with a stack trace ("/ by zero")
 * or never ended; a word where a number belongs showed picocli's "is not an int".
 */
class CommandOptionRangesTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "demo --seconds -1|--seconds must be a whole number from 1 to 3600 (got '-1') (see: eventwire demo --help)",
            "demo --seconds 0|--seconds must be a whole number from 1 to 3600 (got '0') (see: eventwire demo --help)",
            "demo --cluster --seconds ten|--seconds must be a whole number from 1 to 3600 (got 'ten') (see: eventwire demo --help)",
            "demo --cluster --keep-running|--keep-running is for the single-server demo: the cluster demo stops its replicas and its PostgreSQL"
                    + " when its summary is printed (see: eventwire demo --help)",
            "bench bodies --heap-mib 0|--heap-mib must be a whole number from 128 to 65536 (got '0') (see: eventwire bench bodies --help)",
            "bench store --history 0,-5|--history must be a whole number from 0 to 100000000 (got '-5') (see: eventwire bench store --help)",
            "bench store --backlog 0|--backlog must be a whole number from 5000 to 10000000 (got '0') (see: eventwire bench store --help)",
            "bench delivery --warm-up 2h|--warm-up must be a duration from 0s to 1h (got '2h') (see: eventwire bench delivery --help)",
            "bench delivery --webhooks 0|--webhooks must be a whole number from 1 to 32 (got '0') (see: eventwire bench delivery --help)",
            "bench ordering --entities 0|--entities must be a whole number from 1 to 1000000 (got '0') (see: eventwire bench ordering --help)",
            "bench backup --rate 0|--rate must be a whole number from 1 to 5000 (got '0') (see: eventwire bench backup --help)",
            "bench disk --seconds 29|--seconds must be a whole number from 30 to 86400 (got '29') (see: eventwire bench disk --help)",
            "bench cluster --claims 1e6|--claims must be a whole number from 0 to 100000000 (got '1e6') (see: eventwire bench cluster --help)",
            "bench disk --dir /proc/version|--dir must be an existing folder on the disk to try (got '/proc/version'; the default is the data folder,"
                    + " which serve creates) (see: eventwire bench disk --help)",
            "bench disk --dir /no/such/folder|--dir must be an existing folder on the disk to try (got '/no/such/folder'; the default is the data folder,"
                    + " which serve creates) (see: eventwire bench disk --help)",
            "bench disk --dir /proc|--dir: cannot create a folder for the probe in /proc (see: eventwire bench disk --help)",
            "bench|a bench is needed: ingest, delivery, metrics, store, bodies, ordering, retention, cluster, disk or backup (see: eventwire bench --help)",
    })
    void aValueOutsideItsRangeIsOneLineAndExit2BeforeAnythingRuns(String commandLine, String line) throws Exception {
        Result result = CliProcess.run(dir, List.of(commandLine.split(" ")), Map.of());
        assertThat(result.exit()).as(String.join("\n", result.lines())).isEqualTo(2);
        assertThat(result.lines()).containsExactly("eventwire: " + line);
    }

    @Test
    void benchHelpListsTheBenches() throws Exception {
        Result result = CliProcess.run(dir, List.of("bench", "--help"), Map.of());
        assertThat(result.exit()).isZero();
        assertThat(String.join("\n", result.lines())).contains("Usage: eventwire bench").contains("delivery").contains("disk");
    }
}
