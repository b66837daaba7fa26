package dev.eventwire.store;

import dev.eventwire.webhooks.FiltersCodec;
import dev.eventwire.webhooks.PreviousSecret;
import dev.eventwire.webhooks.Webhook;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Optional;

/**
 * A webhook row as both backends store it: {@code id, tenant, url, description, filters, secret, active,
 * disabled_reason, created_us, updated_us, previous_secret, previous_valid_until_us, rate_limit}.
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
                Micros.toInstant(rs.getLong(9)), Micros.toInstant(rs.getLong(10)), rateLimit(rs));
    }

    private static Optional<Double> rateLimit(ResultSet rs) throws SQLException {
        double v = rs.getDouble(13);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
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
}
