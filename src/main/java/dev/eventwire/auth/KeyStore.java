package dev.eventwire.auth;

import java.util.List;
import java.util.Optional;

/** Port: where tenant API keys live. */
public interface KeyStore {
    void insert(ApiKey key);

    List<ApiKey> list();

    /** True when a key with this id existed and is now gone. */
    boolean delete(String id);

    Optional<ApiKey> findByHash(String keyHash);
}
