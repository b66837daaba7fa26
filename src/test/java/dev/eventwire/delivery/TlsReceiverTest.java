package dev.eventwire.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTPS receivers on loopback with certificates a private CA made with the JDK's {@code keytool} (a real
 * child process): until the CA is named in {@code --webhook-ca} its certificates are refused; a certificate
 * for another host and an expired one are refused even then; each refusal gives a reason a webhook owner
 * can act on.
 */
class TlsReceiverTest {

    @TempDir
    static Path dir;

    @BeforeAll
    static void certificates() throws Exception {
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Test CA", "-ext", "bc:c", "-validity", "30",
                "-keystore", file("ca.p12"), "-storetype", "PKCS12", "-storepass", "secret");
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", file("ca.p12"), "-storepass", "secret", "-file", file("ca.pem"));
        signedByTheCa("valid", "ip:127.0.0.1", "-validity", "30");
        signedByTheCa("elsewhere", "dns:receiver.example", "-validity", "30");
        signedByTheCa("expired", "ip:127.0.0.1", "-startdate", "-30d", "-validity", "2");
    }

    /** A key pair {@code <name>.p12} whose certificate the test CA signed, naming {@code subjectAlternativeName}. */
    private static void signedByTheCa(String name, String subjectAlternativeName, String... validity) throws Exception {
        String store = file(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name, "-keystore", store,
                "-storetype", "PKCS12", "-storepass", "secret");
        keytool("-certreq", "-alias", name, "-keystore", store, "-storepass", "secret", "-file", file(name + ".csr"));
        List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore", file("ca.p12"), "-storepass", "secret",
                "-infile", file(name + ".csr"), "-outfile", file(name + ".crt"), "-ext", "san=" + subjectAlternativeName));
        sign.addAll(List.of(validity));
        keytool(sign.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-keystore", store, "-storepass", "secret", "-file", file("ca.pem"));
        keytool("-importcert", "-alias", name, "-keystore", store, "-storepass", "secret", "-file", file(name + ".crt"));
    }

    private static String file(String name) {
        return dir.resolve(name).toString();
    }

    private static void keytool(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(arguments));
        run(command);
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    /** An HTTPS server on loopback that answers 200 to everything, presenting {@code <name>.p12}. */
    private static Server receiver(String name) throws Exception {
        return receiver(name, false);
    }

    private static Server receiver(String name, boolean needsClientCertificate) throws Exception {
        Server server = new Server();
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setNeedClientAuth(needsClientCertificate);
        tls.setKeyStorePath(dir.resolve(name + ".p12").toString());
        tls.setKeyStoreType("PKCS12");
        tls.setKeyStorePassword("secret");
        ServerConnector connector = new ServerConnector(server, tls);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                response.setStatus(200);
                callback.succeeded();
                return true;
            }
        });
        server.start();
        return server;
    }

    private static AttemptResult send(String receiverName, ReceiverTrust trust) throws Exception {
        return send(receiver(receiverName), trust);
    }

    private static AttemptResult send(Server server, ReceiverTrust trust) throws Exception {
        try (HttpSender sender = new HttpSender(new EgressGuard(HostResolver.SYSTEM, List.of("127.0.0.1/32")), trust,
                Duration.ofSeconds(5), Duration.ofSeconds(5), 4)) {
            int port = ((ServerConnector) server.getConnectors()[0]).getLocalPort();
            return sender.send(StaleConnectionTest.request("https://127.0.0.1:" + port + "/hook"), "wh_1").get(20, TimeUnit.SECONDS);
        } finally {
            server.stop();
        }
    }

    private static void assertRefused(AttemptResult result, String error) {
        assertThat(result).isInstanceOfSatisfying(AttemptResult.Failed.class, failed -> {
            assertThat(failed.statusCode()).isEmpty();
            assertThat(failed.error()).startsWith(error).doesNotContain("Exception").doesNotContain("sun.").doesNotContain("java.");
        });
    }

    /** A server's combined PEM (its key and its chain in one file) was refused as "not a PEM file of certificates". */
    @Test
    void aPemFileThatAlsoHoldsAPrivateKeyIsTakenForItsCertificates() throws Exception {
        Path combined = dir.resolve("combined.pem");
        Files.writeString(combined, "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n"
                + Files.readString(dir.resolve("ca.pem")));
        assertThat(send("valid", ReceiverTrust.withCertificatesOf(combined))).isInstanceOf(AttemptResult.Delivered.class);
        assertThatThrownBy(() -> ReceiverTrust.withCertificatesOf(dir)).hasMessage(dir + " is a folder, not a PEM file of certificates");
    }

    @Test
    void aReceiverOfAPrivateCaIsRefusedInPlainWordsUntilTheCaIsTrusted() throws Exception {
        assertRefused(send("valid", ReceiverTrust.JVM_DEFAULTS), "TLS error: the receiver's certificate is not signed by a trusted authority");
        assertThat(send("valid", ReceiverTrust.withCertificatesOf(dir.resolve("ca.pem")))).isInstanceOf(AttemptResult.Delivered.class);
    }

    @Test
    void aTrustedCertificateForAnotherHostIsRefused() throws Exception {
        assertRefused(send("elsewhere", ReceiverTrust.withCertificatesOf(dir.resolve("ca.pem"))),
                "TLS error: the receiver's certificate is not for this host");
    }

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        assertRefused(send("expired", ReceiverTrust.withCertificatesOf(dir.resolve("ca.pem"))), "TLS error: the receiver's certificate has expired");
    }

    @Test
    void aReceiverThatAsksForAClientCertificateIsSaidSo() throws Exception {
        assertRefused(send(receiver("valid", true), ReceiverTrust.withCertificatesOf(dir.resolve("ca.pem"))),
                "TLS error: the receiver asks for a client certificate, which Eventwire does not send");
    }

    @Test
    void theOperatorsCertificatesAreTrustedBesideTheJvmsAuthorities() throws Exception {
        KeyStore store = ReceiverTrust.withCertificatesOf(dir.resolve("ca.pem")).store().orElseThrow();
        assertThat(store.size()).isGreaterThan(50); // the JVM's public authorities are still there
        assertThat(store.getCertificateAlias(java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(Files.newInputStream(dir.resolve("ca.pem"))))).startsWith("operator-");
    }

    @Test
    void aFileThatIsNotCertificatesIsRefusedByName() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        Path key = Files.writeString(dir.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n");
        assertThatThrownBy(() -> ReceiverTrust.withCertificatesOf(dir.resolve("missing.pem"))).hasMessage(dir.resolve("missing.pem") + " cannot be read");
        assertThatThrownBy(() -> ReceiverTrust.withCertificatesOf(empty)).hasMessage(empty + " holds no certificate");
        assertThatThrownBy(() -> ReceiverTrust.withCertificatesOf(key)).hasMessageStartingWith(key.toString());
    }
}
