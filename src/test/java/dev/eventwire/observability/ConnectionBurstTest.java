package dev.eventwire.observability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Many clients connecting at once while the server cannot accept (here: paused with SIGSTOP; in real life
 * a restart, a GC pause, a saturated machine) are held by the kernel until it can, not dropped: with the
 * listen backlog Java picks by default (50) the rest of the SYNs were dropped and each such client waited
 * for its SYN to be retransmitted (1 s, then 3, 7, 15… s).
 */
class ConnectionBurstTest {
    private static final int CONNECTIONS = 400;

    @TempDir
    Path dir;

    @Test
    void connectionsOpenedWhileTheServerIsPausedAreAllHeldAndAnswered() throws Exception {
        try (ServeProcess serve = ServeProcess.start(dir.resolve("data"), Map.of());
             ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            long overflowsBefore = listenOverflows();
            signal("-STOP", serve.pid());
            CountDownLatch connected = new CountDownLatch(CONNECTIONS);
            List<Future<String>> answers = new ArrayList<>();
            try {
                for (int i = 0; i < CONNECTIONS; i++) answers.add(clients.submit(() -> healthOnNewConnection(serve.port(), connected)));
                connected.await(5, TimeUnit.SECONDS);
            } finally {
                signal("-CONT", serve.pid());
            }
            assertThat(CONNECTIONS - connected.getCount()).as("connections established while the server was paused").isEqualTo(CONNECTIONS);
            for (Future<String> answer : answers) assertThat(answer.get(60, TimeUnit.SECONDS)).startsWith("HTTP/1.1 200");
            assertThat(listenOverflows() - overflowsBefore).as("SYNs the kernel dropped for a full accept queue").isZero();
        }
    }

    private static String healthOnNewConnection(int port, CountDownLatch connected) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 60_000);
            connected.countDown();
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder statusLine = new StringBuilder();
            for (int b; (b = in.read()) != -1 && b != '\r'; ) statusLine.append((char) b);
            return statusLine.toString();
        }
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start();
        assertThat(kill.waitFor()).as("kill " + signal).isZero();
    }

    /** The kernel's count of connections dropped because a listen queue was full (TcpExt ListenOverflows). */
    private static long listenOverflows() throws IOException {
        List<String> lines = Files.readAllLines(Path.of("/proc/net/netstat"));
        for (int i = 0; i + 1 < lines.size(); i += 2) {
            if (!lines.get(i).startsWith("TcpExt:")) continue;
            String[] names = lines.get(i).split("\\s+");
            String[] values = lines.get(i + 1).split("\\s+");
            for (int k = 1; k < names.length; k++) if (names[k].equals("ListenOverflows")) return Long.parseLong(values[k]);
        }
        throw new IllegalStateException("no TcpExt ListenOverflows in /proc/net/netstat");
    }
}
