package dev.eventwire.support;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT start a graceful stop. A handler (not a shutdown hook) is used so the command can
 * finish its drain, close its store and exit 0, as the README promises.
 */
public final class Signals {
    private Signals() {
    }

    public static void onTermination(Runnable action) {
        Signal.handle(new Signal("TERM"), s -> action.run());
        Signal.handle(new Signal("INT"), s -> action.run());
    }
}
