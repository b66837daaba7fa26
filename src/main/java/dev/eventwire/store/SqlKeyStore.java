package dev.eventwire.store;

import dev.eventwire.auth.ApiKey;
import dev.eventwire.auth.KeyStore;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Tenant API keys (only their hashes), in SQL both backends answer alike; each backend says how it writes and reads. */
public final class SqlKeyStore implements KeyStore {
    private static final String COLUMNS = "id, tenant, name, key_hash, created_us";
    private final SqlRunner writes;
    private final SqlRunner reads;

    public SqlKeyStore(SqlRunner writes, SqlRunner reads) {
        this.writes = writes;
        this.reads = reads;
    }

    @Override
    public void insert(ApiKey key) {
        writes.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO api_keys (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, key.id());
                ps.setString(2, key.tenant());
                ps.setString(3, key.name());
                ps.setString(4, key.keyHash());
                ps.setLong(5, Micros.of(key.createdAt()));
                return ps.executeUpdate();
            }
        });
    }

    @Override
    public List<ApiKey> list() {
        return reads.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys ORDER BY created_us DESC, id DESC");
                 ResultSet rs = ps.executeQuery()) {
                List<ApiKey> keys = new ArrayList<>();
                while (rs.next()) keys.add(apiKey(rs));
                return keys;
            }
        });
    }

    @Override
    public boolean delete(String id) {
        return writes.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM api_keys WHERE id = ?")) {
                ps.setString(1, id);
                return ps.executeUpdate() > 0;
            }
        });
    }

    @Override
    public Optional<ApiKey> findByHash(String keyHash) {
        return reads.run(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM api_keys WHERE key_hash = ?")) {
                ps.setString(1, keyHash);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(apiKey(rs)) : Optional.empty();
                }
            }
        });
    }

    private static ApiKey apiKey(ResultSet rs) throws SQLException {
        return new ApiKey(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), Micros.toInstant(rs.getLong(5)));
    }
}
