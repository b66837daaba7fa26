package dev.eventwire.store;

import dev.eventwire.webhooks.FiltersCodec;
import dev.eventwire.webhooks.Ordering;
import dev.eventwire.webhooks.PreviousSecret;
import dev.eventwire.webhooks.Webhook;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A webhook row as both backends store it: {@code id, tenant, url, description, filters, secret, active,
 * disabled_reason, created_us, updated_us, previous_secret, previous_valid_until_us, rate_limit, ordering}.
 */
public final class WebhookRows {
    private WebhookRows() {
    }

    public static Webhook read(ResultSet rs, FiltersCodec filters) throws SQLException {
        String previous = rs.getString(11);
        long until = rs.getLong(12);
        Optional<PreviousSecret> previousSecret = previous == null || rs.wasNull() ? Optional.empty()
                : Optional.of(new PreviousSecret(previous, Micros.toInstant(until)));
        return new Webhook(rs.getString(1), rs.getString(2), rs.getString(3), Optional.ofNullable(rs.getString(4)),
                filters.readString(rs.getString(5)), rs.getString(6), previousSecret, rs.getBoolean(7), Optional.ofNullable(rs.getString(8)),
                Micros.toInstant(rs.getLong(9)), Micros.toInstant(rs.getLong(10)), rateLimit(rs),
                Optional.ofNullable(rs.getString(14)).flatMap(Ordering::fromWire).orElse(Ordering.NONE));
    }

    private static Optional<Double> rateLimit(ResultSet rs) throws SQLException {
        double v = rs.getDouble(13);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }

    public static void bindOrdering(PreparedStatement ps, int at, Webhook w) throws SQLException {
        ps.setString(at, w.ordering().wireName());
    }

    public static void bindRateLimit(PreparedStatement ps, int at, Webhook w) throws SQLException {
        if (w.rateLimit().isPresent()) ps.setDouble(at, w.rateLimit().get());
        else ps.setNull(at, Types.DOUBLE);
    }

    /** Binds the current secret, the previous one and its end at {@code from}, {@code from + 1}, {@code from + 2}. */
    public static void bindSecrets(PreparedStatement ps, int from, Webhook w) throws SQLException {
        ps.setString(from, w.secret());
        ps.setString(from + 1, w.previousSecret().map(PreviousSecret::secret).orElse(null));
        if (w.previousSecret().isPresent()) ps.setLong(from + 2, Micros.of(w.previousSecret().get().validUntil()));
        else ps.setNull(from + 2, Types.BIGINT);
    }

    /** Runs a query of webhook rows with string parameters. */
    public static List<Webhook> query(Connection c, FiltersCodec filters, String sql, String... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) ps.setString(i + 1, params[i]);
            List<Webhook> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(read(rs, filters));
            }
            return out;
        }
    }
}
