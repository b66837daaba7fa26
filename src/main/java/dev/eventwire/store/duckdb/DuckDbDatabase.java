package dev.eventwire.store.duckdb;

import dev.eventwire.store.SqlLiterals;
import dev.eventwire.store.SqlWork;
import dev.eventwire.support.StoreUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded database files and their connections: one connection per {@link GroupCommitWriter} and a
 * small pool of read connections. DuckDB gives each read a consistent snapshot of committed data, so
 * reads never wait for a writer; writers on different connections work in parallel and only conflict
 * when both update the same row.
 *
 * <p>Two files: the event log (events, webhooks, keys, metrics) and the delivery file (the delivery queue,
 * its history and the attempt log). DuckDB checkpoints each file on its own and a checkpoint holds only
 * the writers of its file, so the busy delivery bookkeeping never stalls an ingest acknowledgement (see
 * docs/group-commit.md). Every connection resolves unqualified table names in both files.
 */
public final class DuckDbDatabase implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DuckDbDatabase.class);
    public static final String FILE_NAME = "eventwire.duckdb";
    public static final String DELIVERY_FILE_NAME = "deliveries.duckdb";
    /** The catalog of the event log file, the default of every connection. */
    static final String CATALOG = "store";
    /** The catalog of the delivery file. */
    static final String DELIVERY_CATALOG = "deliveries";
    /** A file of the data folder and the catalog it is attached as. */
    private record AttachedFile(String name, String catalog) {
    }
    private static final List<AttachedFile> FILES = List.of(new AttachedFile(FILE_NAME, CATALOG), new AttachedFile(DELIVERY_FILE_NAME, DELIVERY_CATALOG));
    private static final int READ_CONNECTIONS = 4;
    /**
     * Rows per row group for what is written from now on (DuckDB's default is 122,880). A checkpoint
     * rewrites each table's last, partly filled row group whole, so smaller groups make the checkpoint
     * every writer waits for shorter: measured 62–74 ms instead of 93–349 ms for the same appends, for a
     * file 15 % larger (see docs/group-commit.md). Existing row groups keep their size.
     */
    private static final int ROW_GROUP_SIZE = 16_384;
    /**
     * The write-ahead log size at which a commit checkpoints its file (DuckDB's default is 16 MB). Each
     * checkpoint rewrites every table's last row group whatever the log holds, so fewer, larger ones cost
     * less in all: a drain of 200,000 deliveries ran at 25,828 and 26,621 deliveries/s against 22,070 and
     * 22,594 at 16 MB (and 18,703–19,753 at 4 MB), builds alternating in one hour (see docs/group-commit.md).
     * The price is a longer start after a crash, which replays up to this much log per file.
     */
    private static final String CHECKPOINT_THRESHOLD = "64MB";

    /**
     * DuckDB's worker threads: half the cores, at least one (DuckDB's own default is every core). The
     * writers' statements are small — a claim, a batch of outcomes, a group of events — and spreading one
     * over threads costs more in hand-offs and per-thread hash tables than it saves, on cores the HTTP
     * server, the journal and the delivery lanes need. On 2 cores, alternated in one hour, a backlog drain
     * ran at 17,226–18,622 deliveries/s with one thread against 14,129–17,963 with two, the server spending
     * 67–74 µs of CPU a delivery against 74–94 (see docs/duckdb-threads.md). A backup, which DuckDB
     * parallelises well and which is rare, takes every core for its length ({@link #copyInto}).
     */
    static int workerThreads(int cores) {
        return Math.max(1, cores / 2);
    }

    private volatile Runnable beforeRead = () -> { };

    private final DuckDBConnection root;
    private final List<Connection> writeConnections = new ArrayList<>();
    private final BlockingQueue<Connection> readers;
    private final List<Connection> allReaders = new ArrayList<>();
    private volatile boolean closed;

    private DuckDbDatabase(DuckDBConnection root) throws SQLException {
        this.root = root;
        this.readers = new ArrayBlockingQueue<>(READ_CONNECTIONS);
        for (int i = 0; i < READ_CONNECTIONS; i++) {
            Connection reader = connect(root);
            allReaders.add(reader);
            readers.add(reader);
        }
    }

    /** Opens (creating if needed) the database in {@code dataDir} and brings its schema up to date. */
    public static DuckDbDatabase open(Path dataDir) {
        if (Files.exists(dataDir.resolve(dev.eventwire.backup.StoreSnapshots.INCOMPLETE_MARKER))) {
            // Started on, it looked whole: a fresh event log beside whatever the copy had reached, and no keys.
            throw new dev.eventwire.support.StoreConfigurationException(dataDir + " is a backup that was cut off before it was complete (it holds "
                    + dev.eventwire.backup.StoreSnapshots.INCOMPLETE_MARKER + "); start on a complete backup instead", null);
        }
        try {
            dev.eventwire.support.PrivateFolder.ensure(dataDir);
            String leftBehind = logsLeftBehind(dataDir);
            if (!leftBehind.isEmpty()) {
                StartLog.begins("replaying the write-ahead logs a process that did not stop left behind ({}); the server answers once they are in the files",
                        leftBehind);
            }
            long started = System.nanoTime();
            DuckDBConnection root = attach(dataDir);
            try {
                Migrations.apply(root);
                useBoth(root);
                if (!leftBehind.isEmpty()) StartLog.ended(started, "write-ahead logs replayed");
                long folding = System.nanoTime();
                boolean folded = foldReplayedLogs(root, dataDir);
                if (!leftBehind.isEmpty()) StartLog.ended(folding, "write-ahead logs checkpointed into their files");
                if (!folded) {
                    // A checkpoint that failed (a full disk) leaves DuckDB's database invalidated: attached
                    // again, the log is replayed as it was and the store serves reads, and writes once there is room.
                    root.close();
                    root = attach(dataDir);
                    useBoth(root);
                }
            } catch (SQLException | RuntimeException e) {
                root.close();
                throw e;
            }
            return new DuckDbDatabase(root);
        } catch (SQLException | ClassNotFoundException | java.io.IOException e) {
            // A file and a log from different moments stay so whatever restarts: exit 2 (an operator restores a
            // copy), not 75, which had a supervisor restart it for ever.
            if (e instanceof MismatchedLog m) {
                throw new dev.eventwire.support.StoreConfigurationException("cannot open the store in " + dataDir + ": " + m.explained(), e);
            }
            throw new StoreUnavailableException("cannot open the store in " + dataDir + ": " + explained(e.getMessage()), e);
        }
    }

    /** DuckDB's words when another process holds a file: "Could not set lock on file ... Conflicting lock is held in ... (PID 123)". */
    private static final java.util.regex.Pattern HELD_BY_ANOTHER = java.util.regex.Pattern.compile("Could not set lock on file.*\\(PID (\\d+)\\)");
    /**
     * DuckDB's words for a write-ahead log that does not belong to its file, whichever of the two is older
     * (a log from a later checkpoint names the log's path; one from an earlier checkpoint, or of another
     * database, names no file at all, so the file being attached is the one).
     */
    private static final java.util.regex.Pattern WAL_MISMATCH = java.util.regex.Pattern.compile(
            "checkpoint iteration does not match|WAL does not match database file");

    /** DuckDB's words, with what they mean for a data folder put in front where they mislead. */
    private static String explained(String message) {
        java.util.regex.Matcher locked = HELD_BY_ANOTHER.matcher(String.valueOf(message));
        if (!locked.find()) return message;
        // Exit 75 all the same: in a restart the process before may still be closing the files.
        return "the data folder is in use by another process (PID " + locked.group(1) + "); one server per data folder — several replicas share"
                + " a PostgreSQL database instead (--database-url)";
    }

    /**
     * A database file attached with a write-ahead log from another moment. DuckDB's words read as a version
     * problem ("created for an older version of this database"); it is a folder copied while the server ran,
     * or a backup's files copied over a running server's folder.
     */
    static final class MismatchedLog extends SQLException {
        private final String file;

        MismatchedLog(String file, SQLException cause) {
            super(cause.getMessage(), cause);
            this.file = file;
        }

        String explained() {
            String wal = file + ".wal";
            return file + " and " + wal + " are from different moments: the data folder was most likely copied while the server was running. "
                    + "Restore a copy taken with the server stopped; do not delete " + wal + " to get past this, it holds the latest writes (tenant keys and "
                    + "webhooks among them). DuckDB said: " + getMessage();
        }
    }

    /** An in-memory DuckDB with both files of {@code dataDir} attached, the event log file in use; no migration applied. */
    static DuckDBConnection attach(Path dataDir) throws SQLException, ClassNotFoundException {
        Class.forName("org.duckdb.DuckDBDriver");
        // Attached rather than opened directly: only ATTACH takes the row group size.
        DuckDBConnection root = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
        try (Statement st = root.createStatement()) {
            for (AttachedFile file : FILES) {
                try {
                    st.execute("ATTACH " + SqlLiterals.string(dataDir.resolve(file.name()).toAbsolutePath().toString()) + " AS " + file.catalog()
                            + " (ROW_GROUP_SIZE " + ROW_GROUP_SIZE + ")");
                } catch (SQLException e) {
                    if (WAL_MISMATCH.matcher(String.valueOf(e.getMessage())).find()) throw new MismatchedLog(file.name(), e);
                    throw e;
                }
            }
            st.execute("USE " + CATALOG);
            st.execute("SET checkpoint_threshold = " + SqlLiterals.string(CHECKPOINT_THRESHOLD));
            st.execute("SET threads = " + workerThreads(Runtime.getRuntime().availableProcessors()));
        } catch (SQLException e) {
            root.close();
            throw e;
        }
        return root;
    }

    /**
     * A process that died without stopping (kill -9, a power cut) leaves each file's write-ahead log behind.
     * DuckDB replays it when the file is attached but leaves it in place, so crash after crash it grew
     * towards the mark at which a commit checkpoints, and every start replayed all of it again.
     * Folding it into the file now keeps the next start's cost to what the next run writes. Not fatal when
     * it fails (a full disk): the log stays, and is replayed again, as before. False when one failed.
     */
    private static boolean foldReplayedLogs(Connection c, Path dataDir) {
        boolean folded = true;
        for (AttachedFile file : FILES) {
            Path wal = dataDir.resolve(file.name() + ".wal");
            try {
                if (!Files.exists(wal) || Files.size(wal) == 0) continue;
                try (Statement st = c.createStatement()) {
                    st.execute("CHECKPOINT " + file.catalog());
                }
            } catch (SQLException | java.io.IOException e) {
                log.warn("could not fold {} into {} at start (it is replayed again at the next): {}", wal.getFileName(), file.name(), e.getMessage());
                folded = false;
            }
        }
        return folded;
    }

    /** The write-ahead logs in the folder that hold something, with their sizes; empty when there are none. */
    private static String logsLeftBehind(Path dataDir) throws java.io.IOException {
        List<String> logs = new ArrayList<>();
        // A running server's logs are not left behind: its files are locked, and the open below says so.
        if (heldByAnotherProcess(dataDir.resolve(FILES.getFirst().name()))) return "";
        for (AttachedFile file : FILES) {
            Path wal = dataDir.resolve(file.name() + ".wal");
            long size = Files.exists(wal) ? Files.size(wal) : 0;
            if (size > 0) logs.add(wal.getFileName() + " " + StartLog.megabytes(size));
        }
        return String.join(", ", logs);
    }

    /**
     * Whether another process holds the file's lock (DuckDB locks a database file it has open for writing).
     * Asked with a shared lock, taken and let go at once, before this process opens the file itself.
     */
    private static boolean heldByAnotherProcess(Path file) throws java.io.IOException {
        if (!Files.exists(file)) return false;
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.READ);
             java.nio.channels.FileLock lock = channel.tryLock(0, Long.MAX_VALUE, true)) {
            return lock == null;
        }
    }

    /** Unqualified names resolve in the event log file first, then in the delivery file; new tables go to the event log. */
    private static void useBoth(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("USE " + CATALOG);
            st.execute("SET search_path = '" + CATALOG + ".main," + DELIVERY_CATALOG + ".main'");
        }
    }

    /** A connection for one writer; closed with the database. */
    synchronized Connection newWriteConnection() {
        try {
            Connection c = connect(root);
            writeConnections.add(c);
            return c;
        } catch (SQLException e) {
            throw new StoreUnavailableException("cannot open a write connection", e);
        }
    }

    /** Another connection to the attached files, resolving names as the first one does. */
    private static Connection connect(DuckDBConnection root) throws SQLException {
        Connection c = root.duplicate();
        useBoth(c);
        return c;
    }

    /** Sets what every read waits for first: the event log holding every acknowledged event. */
    void beforeEachRead(Runnable wait) {
        this.beforeRead = wait;
    }

    /**
     * Copies both files into {@code folder} as files of their own, each as one transaction sees it: the
     * delivery file first, then the event log, after the event log holds every acknowledged event. The
     * event log being the later of the two, the copy is a state a crash could have left, which a start
     * completes (it writes the deliveries of the events the delivery file had not reached), and every event
     * acknowledged before the call is in it. Writers go on meanwhile: a copy reads a snapshot.
     */
    List<String> copyInto(Path folder) throws SQLException {
        if (closed) throw new StoreUnavailableException("the store is closed", null);
        beforeRead.run();
        List<String> written = new ArrayList<>();
        int cores = Runtime.getRuntime().availableProcessors();
        try (Connection c = connect(root)) {
            // A copy reads every row group of both files, and DuckDB splits it well: on every core it took
            // half the time it takes on half of them (a million events, 4.6 s against 9.8 s on 2 cores).
            // Backups are rare; the writers have DuckDB's threads to share with it meanwhile.
            execute(c, "SET threads = " + cores);
            try {
                copyBoth(c, folder, written);
            } finally {
                halveThreadsAgain(c, cores);
            }
        }
        return written;
    }

    /** Never hides why a backup failed: a setting that cannot be put back is logged, not thrown. */
    private static void halveThreadsAgain(Connection c, int cores) {
        int half = workerThreads(cores);
        try {
            execute(c, "SET threads = " + half);
        } catch (SQLException e) {
            log.warn("DuckDB keeps {} threads after a backup (could not set {} again): {}", cores, half, e.getMessage());
        }
    }

    /** Copies the delivery file, then the event log, each into a file of the same name in {@code folder}. */
    private static void copyBoth(Connection c, Path folder, List<String> written) throws SQLException {
        for (AttachedFile file : List.of(FILES.get(1), FILES.get(0))) {
            String copy = "backup_" + file.catalog();
            execute(c, "ATTACH " + SqlLiterals.string(folder.resolve(file.name()).toAbsolutePath().toString()) + " AS " + copy
                    + " (ROW_GROUP_SIZE " + ROW_GROUP_SIZE + ")");
            SQLException failure = null;
            try {
                execute(c, "COPY FROM DATABASE " + file.catalog() + " TO " + copy);
            } catch (SQLException e) {
                failure = e;
            }
            try {
                execute(c, "DETACH " + copy); // writes the copy's last changes into its file
            } catch (SQLException e) {
                if (failure == null) failure = e;
                else failure.addSuppressed(e);
            }
            // The copy's own failure (a full disk) says why, not what failed after it.
            if (failure != null) throw failure;
            written.add(file.name());
        }
    }

    /** Each statement on a statement of its own: DuckDB closes a statement whose execution failed. */
    private static void execute(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Runs a read on a pooled connection in auto-commit mode. */
    public <T> T read(SqlWork<T> work) {
        if (closed) throw new StoreUnavailableException("the store is closed", null);
        beforeRead.run();
        Connection connection;
        try {
            connection = readers.poll(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for a read connection", e);
        }
        if (connection == null) throw new StoreUnavailableException("no read connection became free", null);
        try {
            return work.run(connection);
        } catch (SQLException e) {
            throw new StoreUnavailableException("read failed: " + e.getMessage(), e);
        } finally {
            readers.add(connection);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            for (Connection c : allReaders) c.close();
            for (Connection c : writeConnections) c.close();
            root.close();
        } catch (SQLException e) {
            throw new StoreUnavailableException("closing the store failed", e);
        }
    }
}
