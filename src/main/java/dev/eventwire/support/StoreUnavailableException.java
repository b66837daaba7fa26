package dev.eventwire.support;

/** The store could not take or serve a request (closed, I/O failure); rendered as 503. */
public class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
