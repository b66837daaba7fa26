package dev.eventwire.store.postgres;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGProperty;
import org.postgresql.jdbc.SslMode;

/**
 * A PostgreSQL address as operators write it — {@code postgresql://user:password@host:5432/db} (or
 * {@code postgres://}, or the same after {@code jdbc:}) — or as any other {@code jdbc:postgresql:} URL,
 * turned into what the driver takes: credentials go to the driver as properties, never in the URL (the
 * driver reads {@code user:password@host} as a host name and repeats it in its errors). Host names may
 * hold underscores, as container service names do. {@link #redacted()} and {@link #scrub(String)} are
 * the forms for messages and logs: they never show the password.
 */
public record DatabaseUrl(String jdbcUrl, Optional<String> user, Optional<String> password) {

    public static DatabaseUrl parse(String url) {
        String u = url.strip();
        String plain = u.startsWith("jdbc:postgresql://") ? u.substring("jdbc:".length()) : u;
        if (u.startsWith("jdbc:postgresql:") && !hasUserInfo(plain)) return new DatabaseUrl(checked(u), Optional.empty(), Optional.empty());
        if (!plain.startsWith("postgresql://") && !plain.startsWith("postgres://")) {
            throw new IllegalArgumentException("the database URL must start with postgresql://, postgres:// or jdbc:postgresql:");
        }
        URI uri;
        try {
            uri = URI.create(plain);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the database URL is not a valid URL (write characters such as @ : / ? # % and spaces"
                    + " in the user name or password percent-encoded: %40 for @, %3A for :, %2F for /, %25 for %)");
        }
        String authority = uri.getRawAuthority();
        if (authority == null || authority.isEmpty()) throw new IllegalArgumentException("the database URL names no host");
        int at = authority.lastIndexOf('@');
        String hostAndPort = authority.substring(at + 1);
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        if (at >= 0) {
            String[] parts = authority.substring(0, at).split(":", 2);
            user = Optional.of(decode(parts[0]));
            if (parts.length == 2) password = Optional.of(decode(parts[1]));
        }
        List<String> hosts = new java.util.ArrayList<>();
        // Several hosts, as libpq takes them (host1:5432,host2:5432): the driver tries them in turn.
        for (String host : hostAndPort.split(",", -1)) {
            if (host.isEmpty() || host.startsWith(":")) throw new IllegalArgumentException("the database URL names no host");
            if (!host.matches("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+)(:[0-9]{1,5})?")) {
                throw new IllegalArgumentException("the database URL's host and port are not valid");
            }
            hosts.add(host.matches(".*:[0-9]+") ? host : host + ":5432");
        }
        // No database named: the one named like the user, as psql and libpq take it.
        String rawPath = uri.getRawPath() == null ? "" : uri.getRawPath();
        String path = rawPath.isEmpty() || rawPath.equals("/") ? "/" + user.map(DatabaseUrl::encode).orElse("") : rawPath;
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new DatabaseUrl(checked("jdbc:postgresql://" + String.join(",", hosts) + path + query), user, password);
    }

    /**
     * Parameters naming a Java class for the driver to load and run. Not taken from a URL: a wrong one
     * failed only when connecting, as if the database were down (exit 75, started again for ever), and a
     * URL is no place to choose code. TLS is set with {@code sslmode} and the {@code sslrootcert} family.
     */
    private static final Set<PGProperty> CLASS_PARAMETERS = EnumSet.of(PGProperty.SOCKET_FACTORY, PGProperty.SOCKET_FACTORY_ARG,
            PGProperty.SSL_FACTORY, PGProperty.SSL_FACTORY_ARG, PGProperty.SSL_HOSTNAME_VERIFIER, PGProperty.SSL_PASSWORD_CALLBACK,
            PGProperty.AUTHENTICATION_PLUGIN_CLASS_NAME, PGProperty.SSPI_SERVICE_CLASS, PGProperty.CLASS_LOADER_STRATEGY);
    /** Parameters naming a file the driver reads when it connects: a missing one failed like a database that is down. */
    private static final Set<PGProperty> FILE_PARAMETERS = EnumSet.of(PGProperty.SSL_ROOT_CERT, PGProperty.SSL_CERT, PGProperty.SSL_KEY);
    /** The driver's own modes, as a URL writes them. */
    private static final List<String> SSL_MODES = Arrays.stream(SslMode.VALUES).map(m -> m.value).toList();

    /**
     * Refuses, before any connection, what could never connect: a port outside 1–65535, a parameter the
     * driver does not know, an {@code sslmode} it does not have, a class to load. The driver found these only
     * when connecting, and reported them like a database that is down: the start exited 75 (start again
     * later) for a mistake no restart mends.
     */
    private static String checked(String jdbcUrl) {
        String rest = jdbcUrl.substring("jdbc:postgresql:".length());
        int q = rest.indexOf('?');
        String query = q < 0 ? "" : rest.substring(q + 1);
        String target = q < 0 ? rest : rest.substring(0, q);
        if (target.startsWith("//")) {
            int slash = target.indexOf('/', 2);
            String hosts = slash < 0 ? target.substring(2) : target.substring(2, slash);
            for (String host : hosts.split(",", -1)) {
                Matcher m = PORT.matcher(host);
                if (m.find()) {
                    long port = m.group(1).isEmpty() || m.group(1).length() > 5 ? -1 : Long.parseLong(m.group(1));
                    if (port < 1 || port > 65_535) throw new IllegalArgumentException("the database URL's port must be 1 to 65535, not " + m.group(1));
                }
            }
        }
        for (String pair : query.isEmpty() ? new String[0] : query.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            PGProperty property = PGProperty.forName(name);
            if (property == null) throw new IllegalArgumentException("the database URL has a parameter the PostgreSQL driver does not know: " + name);
            if (CLASS_PARAMETERS.contains(property)) {
                throw new IllegalArgumentException("the database URL may not name a class for the driver to load (" + name + "); use sslmode and sslrootcert for TLS");
            }
            if (property == PGProperty.SSL_MODE && !SSL_MODES.contains(value)) {
                throw new IllegalArgumentException("the database URL's sslmode must be one of " + String.join(", ", SSL_MODES));
            }
            if (FILE_PARAMETERS.contains(property) && !java.nio.file.Files.isReadable(java.nio.file.Path.of(value))) {
                throw new IllegalArgumentException("the database URL's " + name + " names a file that cannot be read: " + value);
            }
        }
        return jdbcUrl;
    }

    /** A host's port: digits after its last colon, outside an IPv6 address's brackets. */
    private static final Pattern PORT = Pattern.compile("(?:^|]|[^:\\[]):([0-9]*)$");

    /** Whether a {@code postgresql://} URL holds {@code user@} or {@code user:password@} before its host. */
    private static boolean hasUserInfo(String url) {
        int start = url.indexOf("//") + 2;
        int end = url.length();
        for (char c : new char[] {'/', '?', '#'}) {
            int i = url.indexOf(c, start);
            if (i >= 0) end = Math.min(end, i);
        }
        return url.substring(start, end).contains("@");
    }

    /** Percent-decoding as URLs write it: a {@code +} is a plus (a password's, often), not a form's space. */
    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encode(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The address without credentials, for messages. */
    public String redacted() {
        String base = redactedAddress();
        return user.map(name -> base + " (user " + name + ")").orElse(base);
    }

    /** The JDBC URL with its password masked, without the user (for a message that names the user itself). */
    public String redactedAddress() {
        return jdbcUrl.replaceAll("(?i)password=[^&]*", "password=***");
    }

    /**
     * {@code message} (a driver's or a library's) with the password, should it be repeated there, masked: a
     * {@code password=} parameter, and the password as written or percent-encoded where it stands as a word of
     * its own. Masked wherever it occurred, a short password garbled the message and told what it was
     * ("Conn***ction r***fus***d" for the password "e").
     */
    public String scrub(String message) {
        if (message == null) return null;
        String masked = message.replaceAll("(?i)password=[^&\\s]*", "password=***");
        if (password.isEmpty() || password.get().isEmpty()) return masked;
        for (String form : new java.util.LinkedHashSet<>(List.of(password.get(), encode(password.get())))) {
            masked = java.util.regex.Pattern.compile("(?<![\\p{L}\\p{N}])" + java.util.regex.Pattern.quote(form) + "(?![\\p{L}\\p{N}])")
                    .matcher(masked).replaceAll("***");
        }
        return masked;
    }
}
