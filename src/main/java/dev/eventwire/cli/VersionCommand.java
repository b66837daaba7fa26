package dev.eventwire.cli;

import dev.eventwire.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "version", description = "Prints the version.")
final class VersionCommand implements Runnable {

    @Override
    public void run() {
        System.out.println("eventwire " + Version.current());
    }

    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{"eventwire " + Version.current()};
        }
    }
}
