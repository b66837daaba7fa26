package dev.eventwire.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Replicas {@code r1..rN}: {@code serve} processes of this jar sharing one PostgreSQL database, each on
 * its own loopback port with the same admin key, each measured and signalled from outside.
 */
public final class Replicas implements AutoCloseable {
    private final List<String> ids;
    private final List<ServerProcess> servers;
    private final boolean[] gone;

    private Replicas(List<String> ids, List<ServerProcess> servers) {
        this.ids = ids;
        this.servers = servers;
        this.gone = new boolean[servers.size()];
    }

    /**
     * Starts {@code count} replicas together (Flyway's lock makes one of them migrate) with {@code serveOptions}
     * added to each, and returns once every one answers /health; logs and data folders go under {@code folder}.
     */
    public static Replicas start(String databaseUrl, int count, List<String> serveOptions, Path folder) {
        return start(databaseUrl, count, serveOptions, folder, false);
    }

    /**
     * As {@link #start(String, int, List, Path)}; with {@code oneAtATime} each replica is started once the one
     * before answers /health, as a rolling deploy starts them, so each warm-up has the machine to itself.
     */
    public static Replicas start(String databaseUrl, int count, List<String> serveOptions, Path folder, boolean oneAtATime) {
        return start(databaseUrl, count, serveOptions, folder, oneAtATime, java.util.Map.of());
    }

    /** As {@link #start(String, int, List, Path, boolean)} with extra environment variables for every replica. */
    public static Replicas start(String databaseUrl, int count, List<String> serveOptions, Path folder, boolean oneAtATime, java.util.Map<String, String> env) {
        try {
            java.nio.file.Files.createDirectories(folder);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        List<String> ids = new ArrayList<>();
        List<CompletableFuture<ServerProcess>> starting = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            String id = "r" + i;
            ids.add(id);
            List<String> options = new ArrayList<>(List.of("--database-url", databaseUrl, "--replica-id", id, "--data", folder.resolve(id).toString()));
            options.addAll(serveOptions);
            CompletableFuture<ServerProcess> started = CompletableFuture.supplyAsync(() -> ServerProcess.start(List.of(), options, ChildProcess.freePort(), folder.resolve(id + ".log"), env));
            starting.add(started);
            if (oneAtATime) started.exceptionally(failed -> null).join();
        }
        try {
            return new Replicas(ids, starting.stream().map(CompletableFuture::join).toList());
        } catch (CompletionException e) {
            starting.forEach(s -> s.thenAccept(ServerProcess::kill));
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    public int size() {
        return servers.size();
    }

    public ServerProcess get(int index) {
        return servers.get(index);
    }

    public String id(int index) {
        return ids.get(index);
    }

    public List<String> baseUrls() {
        return servers.stream().map(ServerProcess::baseUrl).toList();
    }

    /** kill -9 replica {@code index}; waits until the process is gone. */
    public void kill(int index) {
        servers.get(index).kill();
        gone[index] = true;
    }

    /** SIGTERM to every replica still running, all at once. */
    @Override
    public void close() {
        List<CompletableFuture<Void>> stopping = new ArrayList<>();
        for (int i = 0; i < servers.size(); i++) {
            if (!gone[i]) stopping.add(CompletableFuture.runAsync(servers.get(i)::close));
        }
        stopping.forEach(CompletableFuture::join);
    }
}
