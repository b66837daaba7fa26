package dev.eventwire.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventwire.auth.ApiKey;
import dev.eventwire.auth.AuthService;
import dev.eventwire.auth.CreatedKey;
import dev.eventwire.backup.BackupService;
import dev.eventwire.backup.TakenBackup;
import dev.eventwire.store.ReplicaDirectory;
import dev.eventwire.store.ReplicaRoster;
import dev.eventwire.support.JsonFields;
import io.javalin.config.RoutesConfig;
import java.time.Instant;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** {@code /v1/admin/...}: tenant key management, the replicas serving and backups, with the admin key. */
final class AdminRoutes implements RouteGroup {
    private final AuthService auth;
    private final ReplicaRoster replicas;
    private final BackupService backups;
    private final Responses responses;

    AdminRoutes(AuthService auth, ReplicaRoster replicas, BackupService backups, Responses responses) {
        this.auth = auth;
        this.backups = backups;
        this.replicas = replicas;
        this.responses = responses;
    }

    record ReplicaView(String id, Instant startedAt, Instant lastHeartbeatAt, int inFlight, String version, String state) {
        static ReplicaView of(ReplicaRoster.Entry e) {
            ReplicaDirectory.Replica r = e.replica();
            // To the microsecond, as every time the API answers (a single process's clock reads nanoseconds).
            return new ReplicaView(r.id(), r.startedAt().truncatedTo(java.time.temporal.ChronoUnit.MICROS),
                    r.lastHeartbeatAt().truncatedTo(java.time.temporal.ChronoUnit.MICROS), r.inFlight(), r.version(), e.state().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    record ReplicaList(List<ReplicaView> replicas) {
    }

    record KeyView(String id, String tenant, String name, Instant createdAt) {
        static KeyView of(ApiKey k) {
            return new KeyView(k.id(), k.tenant(), k.name(), k.createdAt());
        }
    }

    record CreatedKeyView(String id, String key, String tenant, String name, Instant createdAt) {
    }

    record KeyList(List<KeyView> keys) {
    }

    record BackupView(String path, List<TakenBackup.BackupFile> files, long bytes, Instant startedAt, long tookMs) {
        static BackupView of(TakenBackup b) {
            return new BackupView(b.path().toString(), b.files(), b.bytes(), b.startedAt().truncatedTo(java.time.temporal.ChronoUnit.MICROS), b.took().toMillis());
        }
    }

    @Override
    public void register(RoutesConfig routes) {
        routes.post("/v1/admin/keys", ctx -> {
            JsonNode body = responses.mapper().parse(ctx.bodyAsBytes());
            JsonFields.requireObject(body, Set.of("tenant", "name"));
            CreatedKey created = auth.createKey(JsonFields.text(body, "tenant"), JsonFields.text(body, "name"));
            ApiKey k = created.key();
            responses.json(ctx, 201, new CreatedKeyView(k.id(), created.secret(), k.tenant(), k.name(), k.createdAt()));
        });
        routes.get("/v1/admin/keys", ctx -> responses.json(ctx, 200, new KeyList(auth.listKeys().stream().map(KeyView::of).toList())));
        routes.get("/v1/admin/replicas", ctx -> responses.json(ctx, 200, new ReplicaList(replicas.list().stream().map(ReplicaView::of).toList())));
        routes.post("/v1/admin/backups", ctx -> {
            JsonNode body = responses.mapper().parse(ctx.bodyAsBytes());
            JsonFields.requireObject(body, Set.of("to"));
            responses.json(ctx, 201, BackupView.of(backups.take(JsonFields.text(body, "to"))));
        });
        routes.delete("/v1/admin/keys/{id}", ctx -> {
            Requests.requireNoFields(ctx, responses.mapper());
            auth.deleteKey(ctx.pathParam("id"));
            ctx.status(204);
        });
    }
}
