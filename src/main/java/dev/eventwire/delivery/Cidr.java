package dev.eventwire.delivery;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address block such as {@code 10.0.0.0/8} or {@code fc00::/7}. */
record Cidr(byte[] network, int prefixLength) {

    static Cidr parse(String text) {
        String[] parts = text.strip().split("/", 2);
        try {
            byte[] address = literal(parts[0]).getAddress();
            int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : address.length * 8;
            if (prefix < 0 || prefix > address.length * 8) throw new IllegalArgumentException("bad prefix length in " + text);
            return new Cidr(address, prefix);
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not an address or CIDR block", e);
        }
    }

    /** Parses an IP literal without any DNS lookup. */
    static InetAddress literal(String text) throws UnknownHostException {
        if (!looksLikeLiteral(text)) throw new UnknownHostException(text + " is not an IP literal");
        return InetAddress.getByName(text);
    }

    static boolean looksLikeLiteral(String text) {
        if (text.contains(":")) return true;
        if (text.isEmpty()) return false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != '.' && (c < '0' || c > '9')) return false;
        }
        return true;
    }

    boolean contains(InetAddress address) {
        byte[] candidate = address.getAddress();
        if (candidate.length != network.length) return false;
        int bits = network.length * 8;
        BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftRight(prefixLength).not();
        BigInteger a = new BigInteger(1, candidate).and(mask);
        BigInteger n = new BigInteger(1, network).and(mask);
        return a.equals(n);
    }
}
