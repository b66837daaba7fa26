package dev.eventwire.store.postgres;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A PostgreSQL address as operators write it — {@code postgresql://user:password@host:5432/db} (or
 * {@code postgres://}) — or as a {@code jdbc:postgresql:} URL, turned into what the driver takes.
 * {@link #redacted()} is the form for messages and logs: it never shows the password.
 */
public record DatabaseUrl(String jdbcUrl, Optional<String> user, Optional<String> password) {

    public static DatabaseUrl parse(String url) {
        String u = url.strip();
        if (u.startsWith("jdbc:postgresql:")) return new DatabaseUrl(u, Optional.empty(), Optional.empty());
        if (!u.startsWith("postgresql://") && !u.startsWith("postgres://")) {
            throw new IllegalArgumentException("the database URL must start with postgresql://, postgres:// or jdbc:postgresql:");
        }
        URI uri;
        try {
            uri = URI.create(u);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the database URL is not a valid URL", e);
        }
        if (uri.getHost() == null) throw new IllegalArgumentException("the database URL names no host");
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        if (uri.getRawUserInfo() != null) {
            String[] parts = uri.getRawUserInfo().split(":", 2);
            user = Optional.of(decode(parts[0]));
            if (parts.length == 2) password = Optional.of(decode(parts[1]));
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/postgres" : uri.getRawPath();
        String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        return new DatabaseUrl("jdbc:postgresql://" + uri.getHost() + ":" + port + path + query, user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    /** The address without credentials, for messages. */
    public String redacted() {
        String base = jdbcUrl.replaceAll("(?i)password=[^&]*", "password=***");
        return user.map(name -> base + " (user " + name + ")").orElse(base);
    }
}
