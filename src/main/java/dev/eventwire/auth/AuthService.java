package dev.eventwire.auth;

import dev.eventwire.support.ApiException;
import dev.eventwire.support.Ids;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Authenticates API keys and manages tenant keys. Lookups are cached by hash for a bounded time; the
 * cache is dropped for a key when it is deleted through this service.
 */
public final class AuthService {
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

    private final KeyStore keys;
    private final KeyHasher hasher;
    private final Ids ids;
    private final Clock clock;
    private final byte[] adminKeyHash;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final java.time.Duration cacheFor;

    /** A key found in the store and when it was looked up. */
    private record Cached(Principal.Tenant principal, Instant at) {
    }

    /**
     * {@code cacheFor}: how long a key found in the store is trusted without asking again — as long as the
     * process runs when only this process changes keys; under a second when replicas share the store, so a
     * key revoked on one replica is refused by every other within that bound.
     */
    public AuthService(KeyStore keys, KeyHasher hasher, Ids ids, Clock clock, String adminKey, java.time.Duration cacheFor) {
        this.cacheFor = cacheFor;
        this.keys = keys;
        this.hasher = hasher;
        this.ids = ids;
        this.clock = clock;
        this.adminKeyHash = hasher.hash(adminKey).getBytes(StandardCharsets.US_ASCII);
    }

    public Optional<Principal> authenticate(String presented) {
        if (presented == null || presented.isBlank()) return Optional.empty();
        String hash = hasher.hash(presented.strip());
        if (MessageDigest.isEqual(adminKeyHash, hash.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of(new Principal.Admin());
        }
        Instant now = clock.instant();
        Cached cached = cache.get(hash);
        if (cached != null && now.isBefore(cached.at().plus(cacheFor))) return Optional.of(cached.principal());
        Optional<Principal.Tenant> found = keys.findByHash(hash).map(k -> new Principal.Tenant(k.tenant(), k.id()));
        if (found.isPresent()) cache.put(hash, new Cached(found.get(), now));
        else cache.remove(hash);
        return found.map(p -> p);
    }

    public CreatedKey createKey(String tenant, String name) {
        if (tenant == null) throw ApiException.invalid("missing_field", "tenant is required.", "tenant");
        if (name == null) throw ApiException.invalid("missing_field", "name is required.", "name");
        if (!TENANT.matcher(tenant).matches()) {
            throw ApiException.invalid("invalid_format", "tenant must be 1-63 characters of a-z 0-9 _ - starting with a letter or digit.", "tenant");
        }
        if (name.isBlank() || dev.eventwire.support.TextRules.characters(name) > 128) {
            throw ApiException.invalid("invalid_length", "name must be 1-128 characters.", "name");
        }
        // A key's name is how an admin tells keys apart in a listing: invisible controls that reorder it on screen are refused too.
        if (!dev.eventwire.support.TextRules.isPlainIdentifier(name)) {
            throw ApiException.invalid("invalid_format", "name must be valid Unicode without control characters or bidirectional text controls (such as U+202E).", "name");
        }
        String secret = "ew_" + ids.randomToken(32);
        ApiKey key = new ApiKey(ids.timeOrdered("key_"), tenant, name, hasher.hash(secret), clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        keys.insert(key);
        return new CreatedKey(key, secret);
    }

    public List<ApiKey> listKeys() {
        return keys.list();
    }

    public void deleteKey(String id) {
        if (!keys.delete(id)) throw ApiException.notFound("API key");
        cache.values().removeIf(c -> c.principal().keyId().equals(id));
    }
}
