package dev.eventwire.store.postgres;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

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
        if (u.startsWith("jdbc:postgresql:") && !hasUserInfo(plain)) return new DatabaseUrl(u, Optional.empty(), Optional.empty());
        if (!plain.startsWith("postgresql://") && !plain.startsWith("postgres://")) {
            throw new IllegalArgumentException("the database URL must start with postgresql://, postgres:// or jdbc:postgresql:");
        }
        URI uri;
        try {
            uri = URI.create(plain);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the database URL is not a valid URL");
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
        if (hostAndPort.isEmpty() || hostAndPort.startsWith(":")) throw new IllegalArgumentException("the database URL names no host");
        if (!hostAndPort.matches("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+)(:[0-9]{1,5})?")) {
            throw new IllegalArgumentException("the database URL's host and port are not valid");
        }
        if (!hostAndPort.matches(".*:[0-9]+")) hostAndPort += ":5432";
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/postgres" : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        return new DatabaseUrl("jdbc:postgresql://" + hostAndPort + path + query, user, password);
    }

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

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The address without credentials, for messages. */
    public String redacted() {
        String base = jdbcUrl.replaceAll("(?i)password=[^&]*", "password=***");
        return user.map(name -> base + " (user " + name + ")").orElse(base);
    }

    /** {@code message} (a driver's or a library's) with the password, should it be repeated there, masked. */
    public String scrub(String message) {
        if (message == null || password.isEmpty() || password.get().isEmpty()) return message;
        return message.replace(password.get(), "***");
    }
}
