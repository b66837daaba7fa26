package dev.eventwire.webhooks;

import dev.eventwire.support.ApiException;
import dev.eventwire.support.TextRules;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Shape rules of a webhook URL: absolute http(s), a host, at most 2048 characters. */
public final class UrlRule {
    /** Also when the URL parser dropped a host it does not take (127.1, 0x7f.1, 2130706433): resolvers may read those otherwise. */
    private static final String NO_HOST = "url must name a host: a DNS name or a full IP address such as 127.0.0.1.";
    static final int MAX_LENGTH = 2048;

    private UrlRule() {
    }

    /** Returns the URL's host, or throws 422. */
    public static String check(String url) {
        if (url == null) throw ApiException.invalid("missing_field", "url is required.", "url");
        if (TextRules.characters(url) > MAX_LENGTH) throw ApiException.invalid("invalid_length", "url must be at most 2048 characters.", "url");
        if (!TextRules.isValidUnicode(url)) {
            throw ApiException.invalid("invalid_unicode", "url must be valid Unicode (no lone surrogate).", "url");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw ApiException.invalid("invalid_url", "url is not a valid URL: " + e.getReason() + ".", "url");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            throw ApiException.invalid("invalid_url", "url must be an absolute http or https URL.", "url");
        }
        if (uri.getRawAuthority() != null && !uri.getRawAuthority().chars().allMatch(c -> c < 0x80)) {
            throw ApiException.invalid("invalid_url", "url must name its host in ASCII: write an internationalised domain name in its "
                    + "xn-- form" + asciiForm(uri.getRawAuthority()) + ".", "url");
        }
        // Port first: an unusable port (empty, negative, too long) also makes the URI parser drop the host.
        if (uri.getPort() == -1 && uri.getRawAuthority() != null && uri.getRawAuthority().matches(".*:[^\\]@]*")) {
            String port = uri.getRawAuthority().substring(uri.getRawAuthority().lastIndexOf(':') + 1);
            if (port.matches("[0-9]{1,5}") && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535) {
                // The port is fine: the parser dropped the host (127.1, 0x7f.1: shorthand IPv4 forms it does not take).
                throw ApiException.invalid("invalid_url", NO_HOST, "url");
            }
            throw ApiException.invalid("invalid_url", "url has an empty or invalid port; ports are 1-65535.", "url");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw ApiException.invalid("invalid_url", NO_HOST, "url");
        }
        if (dev.eventwire.support.Ipv4Text.isShorthand(uri.getHost())) {
            // 2130706433, 0x7f000001, 0177.0.0.1: resolvers and the egress guard need not agree on what they mean.
            throw ApiException.invalid("invalid_url", NO_HOST, "url");
        }
        if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
            throw ApiException.invalid("invalid_url", "url port must be between 1 and 65535.", "url");
        }
        if (uri.getPort() != -1 && !uri.getRawAuthority().endsWith(":" + uri.getPort())) {
            // One spelling for one port, as for IPv4 octets: :0008080 is stored and shown as written.
            throw ApiException.invalid("invalid_url", "url port must be written without leading zeros (1-65535).", "url");
        }
        if (!TextRules.isPlainLine(url)) {
            throw ApiException.invalid("invalid_url", "url must not contain control characters.", "url");
        }
        if (TextRules.hasBidiControls(url)) {
            // Invisible, they make a URL read (in the console, a log, a terminal) other than where it goes.
            throw ApiException.invalid("invalid_url", "url must not contain bidirectional text controls (such as U+202E).", "url");
        }
        if (url.chars().anyMatch(TextRules::isInvisibleFormat)) {
            // Zero-width characters hide in a URL as well: two URLs that read the same go to different paths.
            throw ApiException.invalid("invalid_url", "url must not contain invisible characters (such as U+200B); percent-encode them if the receiver's path has them.", "url");
        }
        if (uri.getRawUserInfo() != null) {
            // They would not be sent (nothing turns them into an Authorization header), and they would show in listings.
            throw ApiException.invalid("invalid_url", "url must not contain credentials (user:password@); receivers verify the webhook-signature header.",
                    "url");
        }
        if (uri.getFragment() != null) {
            throw ApiException.invalid("invalid_url", "url must not have a fragment.", "url");
        }
        return uri.getHost();
    }

    /** " (bücher.example is xn--bcher-kva.example)", or nothing when the host has no ASCII form. */
    private static String asciiForm(String authority) {
        String host = authority.substring(authority.lastIndexOf('@') + 1);
        int colon = host.lastIndexOf(':');
        if (colon > 0 && !host.endsWith("]")) host = host.substring(0, colon);
        if (host.length() > 253) return "";
        try {
            return " (" + host + " is " + java.net.IDN.toASCII(host, java.net.IDN.ALLOW_UNASSIGNED) + ")";
        } catch (IllegalArgumentException notADomainName) {
            return "";
        }
    }
}
