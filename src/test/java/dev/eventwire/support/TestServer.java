package dev.eventwire.support;

import dev.eventwire.App;
import dev.eventwire.ServeConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.UnaryOperator;

/** A real server on a random loopback port over a real DuckDB file in a temp folder. */
public final class TestServer implements AutoCloseable {
    public static final String ADMIN_KEY = "ew_admin_test_key_0123456789";

    private final App app;
    private final ApiClient admin;

    private TestServer(App app) {
        this.app = app;
        this.admin = new ApiClient(baseUrl(app.port()), ADMIN_KEY);
    }

    public static TestServer start(Path dataDir) {
        return start(dataDir, c -> c, Clock.systemUTC());
    }

    public static TestServer start(Path dataDir, UnaryOperator<ServeConfig> tweak, Clock clock) {
        return start(dataDir, tweak, clock, dev.eventwire.delivery.HostResolver.SYSTEM);
    }

    public static TestServer start(Path dataDir, UnaryOperator<ServeConfig> tweak, Clock clock, dev.eventwire.delivery.HostResolver dns) {
        ServeConfig config = tweak.apply(ServeConfig.local(dataDir).withAdminKey(ADMIN_KEY));
        return new TestServer(App.start(config, clock, dns, message -> { }));
    }

    /** A server whose egress guard lets it reach receivers on loopback. */
    public static TestServer withLoopbackReceivers(Path dataDir, Clock clock, UnaryOperator<ServeConfig> tweak) {
        return start(dataDir, c -> tweak.apply(c.withEgressAllow(java.util.List.of("127.0.0.1/32"))), clock);
    }

    /** A server reaching receivers on loopback whose delivery engine works through {@code engineView} of its store (fault injection). */
    public static TestServer withEngineView(Path dataDir, UnaryOperator<ServeConfig> tweak,
                                            UnaryOperator<dev.eventwire.delivery.DeliveryStore> engineView) {
        ServeConfig config = tweak.apply(ServeConfig.local(dataDir).withAdminKey(ADMIN_KEY).withEgressAllow(java.util.List.of("127.0.0.1/32")));
        return new TestServer(App.startWithEngineView(config, Clock.systemUTC(), dev.eventwire.delivery.HostResolver.SYSTEM, engineView));
    }

    /** A replica named {@code replica} on the PostgreSQL database at {@code databaseUrl}, reaching receivers on loopback. */
    public static TestServer replica(Path dataDir, String databaseUrl, String replica) {
        return replica(dataDir, databaseUrl, replica, Clock.systemUTC());
    }

    /** A replica as above whose clock is {@code clock}. */
    public static TestServer replica(Path dataDir, String databaseUrl, String replica, Clock clock) {
        return withLoopbackReceivers(dataDir, clock,
                c -> c.withStorage(new dev.eventwire.ServeConfig.Storage(java.util.Optional.of(databaseUrl), replica)));
    }

    private static String baseUrl(int port) {
        return "http://127.0.0.1:" + port;
    }

    public String baseUrl() {
        return baseUrl(app.port());
    }

    public ApiClient admin() {
        return admin;
    }

    public ApiClient anonymous() {
        return new ApiClient(baseUrl(), null);
    }

    /** Creates a tenant key through the admin API and returns a client that uses it. */
    public ApiClient tenant(String tenant) {
        ApiClient.Response created = admin.post("/v1/admin/keys", "{\"tenant\":\"" + tenant + "\",\"name\":\"test\"}");
        if (created.status() != 201) throw new IllegalStateException("key creation failed: " + created);
        return new ApiClient(baseUrl(), created.json().get("key").asText());
    }

    public ApiClient withKey(String key) {
        return new ApiClient(baseUrl(), key);
    }

    /** The value of an unlabelled sample on this server's /metrics (a counter with its _total name), as an operator reads it. */
    public long metric(String sample) {
        String metrics = anonymous().get("/metrics").body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(sample) + " ([0-9.eE+-]+)$").matcher(metrics);
        if (!m.find()) throw new AssertionError(sample + " is not exported on /metrics");
        return (long) Double.parseDouble(m.group(1));
    }

    public App app() {
        return app;
    }

    @Override
    public void close() {
        app.close();
    }
}
