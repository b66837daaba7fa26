package dev.eventwire.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.Optional;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The certificate authorities HTTPS receivers are checked against: the JVM's own, plus those of a PEM file
 * the operator names (a company's private CA, a receiver's self-signed certificate). Adding rather than
 * replacing keeps public receivers working when a private one is trusted.
 */
public record ReceiverTrust(Optional<KeyStore> store) {

    public static final ReceiverTrust JVM_DEFAULTS = new ReceiverTrust(Optional.empty());
    private static final java.util.regex.Pattern CERTIFICATE_BLOCK =
            java.util.regex.Pattern.compile("-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----");

    /**
     * The JVM's authorities plus every certificate in {@code pemFile}: its {@code CERTIFICATE} blocks, other
     * blocks (a private key kept in the same file, as a server's combined PEM has it) left aside; or a
     * single DER-encoded certificate.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static ReceiverTrust withCertificatesOf(Path pemFile) {
        if (Files.isDirectory(pemFile)) throw new IllegalArgumentException(pemFile + " is a folder, not a PEM file of certificates");
        Collection<? extends Certificate> added;
        try {
            byte[] content = Files.readAllBytes(pemFile);
            java.util.regex.Matcher blocks = CERTIFICATE_BLOCK.matcher(new String(content, java.nio.charset.StandardCharsets.ISO_8859_1));
            StringBuilder certificates = new StringBuilder();
            while (blocks.find()) certificates.append(blocks.group()).append('\n');
            byte[] read = certificates.isEmpty() ? content : certificates.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            try (InputStream in = new java.io.ByteArrayInputStream(read)) {
                added = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(pemFile + " cannot be read");
        } catch (CertificateException e) {
            throw new IllegalArgumentException(pemFile + " is not a PEM file of certificates");
        }
        if (added.isEmpty()) throw new IllegalArgumentException(pemFile + " holds no certificate");
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (X509Certificate authority : jvmAuthorities()) store.setCertificateEntry("jvm-" + n++, authority);
            for (Certificate certificate : added) store.setCertificateEntry("operator-" + n++, certificate);
            return new ReceiverTrust(Optional.of(store));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the trust store", e);
        }
    }

    /** The certificates the operator added, DER-encoded, in a fixed order; empty when only the JVM's are trusted. */
    public Optional<byte[]> operatorCertificates() {
        if (store.isEmpty()) return Optional.empty();
        try {
            java.util.List<String> encoded = new java.util.ArrayList<>();
            for (String alias : java.util.Collections.list(store.get().aliases())) {
                if (alias.startsWith("operator-")) encoded.add(java.util.HexFormat.of().formatHex(store.get().getCertificate(alias).getEncoded()));
            }
            java.util.Collections.sort(encoded);
            return Optional.of(String.join(",", encoded).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the trust store", e);
        }
    }

    private static X509Certificate[] jvmAuthorities() throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) return x509.getAcceptedIssuers();
        }
        return new X509Certificate[0];
    }
}
