package dev.eventwire.http;

/** The address to listen on is taken (or not this machine's); {@code serve} says so in one line and exits 2. */
public final class PortUnavailableException extends RuntimeException {
    public PortUnavailableException(String host, int port, Throwable cause) {
        super("cannot listen on " + host + ":" + port + ": " + reason(cause), cause);
    }

    private static String reason(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException b && b.getMessage() != null) return b.getMessage().toLowerCase(java.util.Locale.ROOT);
        }
        return "address already in use or not available";
    }
}
