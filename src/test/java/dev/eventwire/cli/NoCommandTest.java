package dev.eventwire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code eventwire} run as an operator or a script runs it: a missing command is a usage error, asking for help is not. */
class NoCommandTest {

    @Test
    void noCommandIsOneLineOnStandardErrorAndExits2() throws Exception {
        SeparateStreams.Run run = eventwire();
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.stdout()).isEmpty();
        assertThat(run.stderr().lines().toList())
                .containsExactly("eventwire: a command is needed: serve, demo, bench, version or help (see: eventwire --help)");
    }

    @Test
    void helpStillPrintsTheUsageAndExits0() throws Exception {
        SeparateStreams.Run run = eventwire("help");
        assertThat(run.exit()).isZero();
        assertThat(run.stdout()).startsWith("Usage: eventwire");
    }

    @Test
    void theBenchmarksReceiverAnswersHelpLikeEveryCommand() throws Exception {
        SeparateStreams.Run run = eventwire("receive", "--help");
        assertThat(run.exit()).isZero();
        assertThat(run.stdout()).startsWith("Usage: eventwire receive");
        assertThat(run.stderr()).isEmpty();
    }

    /** The settings only the environment gives were missing from the help: an operator reading it never learned of them. */
    @Test
    void serveHelpNamesTheSettingsOnlyTheEnvironmentGives() throws Exception {
        SeparateStreams.Run run = eventwire("serve", "--help");
        assertThat(run.exit()).isZero();
        assertThat(run.stdout()).contains("Set only in the environment:", "EVENTWIRE_ADMIN_KEY", "EVENTWIRE_SECRET_KEY ", "EVENTWIRE_SECRET_KEY_PREVIOUS",
                "EVENTWIRE_LOG_FORMAT");
        assertThat(run.stdout().lines()).allSatisfy(line -> assertThat(line.length()).as(line).isLessThanOrEqualTo(80));
    }

    private static SeparateStreams.Run eventwire(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.eventwire.cli.Main"));
        command.addAll(List.of(args));
        return SeparateStreams.run(new ProcessBuilder(command));
    }
}
