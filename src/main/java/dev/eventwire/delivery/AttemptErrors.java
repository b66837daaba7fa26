package dev.eventwire.delivery;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;

/**
 * What an attempt's log entry says when the receiver gave no HTTP answer. Webhook owners read it in the
 * API and the console, so it is in plain words: what failed and, for TLS, why the certificate was refused,
 * never a Java class name.
 */
final class AttemptErrors {
    /** A qualified class name and its colon, as exceptions put them in front of their causes' messages. */
    private static final Pattern CLASS_NAME = Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*:\\s*");

    private AttemptErrors() {
    }

    static String describe(Throwable failure) {
        List<Throwable> chain = chain(failure);
        Throwable root = chain.getLast();
        if (has(chain, TimeoutException.class)) return "timeout: " + timeout(message(root));
        if (root instanceof HttpSender.EgressDeniedException) return root.getMessage();
        if (has(chain, ConnectException.class)) return "connection failed: " + message(root);
        if (has(chain, java.net.SocketTimeoutException.class) && "Connect Timeout".equals(root.getMessage())) {
            return "connection failed: no connection within the connect timeout";
        }
        if (has(chain, SSLException.class) || has(chain, CertificateException.class)) return "TLS error: " + tls(chain, root);
        if (root instanceof org.eclipse.jetty.http.HttpException bad) {
            return "not a valid HTTP response" + (bad.getReason() == null ? "" : ": " + httpReason(bad.getReason()));
        }
        if (has(chain, EOFException.class) || has(chain, ClosedChannelException.class)) return "the receiver closed the connection";
        // The operating system's words for a receiver that aborted the connection (a crash, a proxy refusing
        // the request): the same fact as a close, said the same way.
        String text = root.getMessage() == null ? "" : root.getMessage();
        if (text.startsWith("Connection reset")) return "the receiver closed the connection (reset)";
        if (text.equals("Broken pipe")) return "the receiver closed the connection while the request was being sent";
        if (has(chain, SocketException.class)) return "connection error: " + message(root);
        return root.getMessage() == null ? "request failed" : "request failed: " + message(root);
    }

    /** The HTTP parser's reason, said plainly where it names a character by its code ("illegal character cntl=0x0"). */
    private static String httpReason(String reason) {
        java.util.regex.Matcher character = ILLEGAL_CHARACTER.matcher(reason);
        if (character.find()) return "a character that has no place in an HTTP response (code " + character.group(1) + ")";
        return reason.toLowerCase(Locale.ROOT);
    }

    private static final Pattern ILLEGAL_CHARACTER = Pattern.compile("(?i)illegal character \\S*?(0x[0-9a-f]+)");

    /** The HTTP client's words for its two timeouts, said as a webhook owner reads them. */
    private static String timeout(String text) {
        java.util.regex.Matcher total = TOTAL_TIMEOUT.matcher(text);
        if (total.matches()) return "no answer within the delivery timeout (" + total.group(1) + " ms)";
        return text;
    }

    private static final Pattern TOTAL_TIMEOUT = Pattern.compile("Total timeout (\\d+) ms elapsed");

    private static String tls(List<Throwable> chain, Throwable root) {
        if (has(chain, CertificateExpiredException.class)) return "the receiver's certificate has expired";
        if (has(chain, CertificateNotYetValidException.class)) return "the receiver's certificate is not valid yet";
        String text = message(root);
        if (text.startsWith("Unrecognized SSL message")) return "the receiver did not answer in TLS (is it plain HTTP behind an https URL?)";
        if (text.contains("certificate_required")) return "the receiver asks for a client certificate, which Eventwire does not send";
        if (text.startsWith("No subject alternative") || text.startsWith("No name matching")) {
            return "the receiver's certificate is not for this host (" + text + ")";
        }
        if (has(chain, CertPathBuilderException.class) || has(chain, CertPathValidatorException.class)) {
            return "the receiver's certificate is not signed by a trusted authority";
        }
        return text;
    }

    /** Whether {@code failure} or any of its causes is a {@code kind}. */
    static boolean causedBy(Throwable failure, Class<? extends Throwable> kind) {
        return has(chain(failure), kind);
    }

    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = failure; t != null && !chain.contains(t); t = t.getCause()) chain.add(t);
        return chain;
    }

    private static boolean has(List<Throwable> chain, Class<? extends Throwable> kind) {
        return chain.stream().anyMatch(kind::isInstance);
    }

    /** The root cause's message without the class names Java puts in front of nested messages. */
    private static String message(Throwable root) {
        String m = root.getMessage();
        if (m == null || m.isBlank()) return "no detail";
        String plain = CLASS_NAME.matcher(m).replaceAll("").strip();
        return plain.isEmpty() ? "no detail" : plain;
    }
}
