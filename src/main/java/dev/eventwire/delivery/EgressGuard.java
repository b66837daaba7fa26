package dev.eventwire.delivery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Refuses destinations that are not on the public internet (SSRF protection, docs/egress-guard.md): every address
 * a host resolves to must be public unless the host or the address is on the operator's allow-list.
 * The addresses it approves are the ones the sender connects to, so DNS cannot change between the
 * check and the connection.
 */
public final class EgressGuard {
    private static final List<Cidr> FORBIDDEN = List.of(
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.0.2.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
            "224.0.0.0/4", "240.0.0.0/4",
            "::/128", "::1/128", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8", "2001:db8::/32", "100::/64")
            .stream().map(Cidr::parse).toList();

    /** Past this many literal hosts the cache of their verdicts starts over (a host per webhook, usually). */
    private static final int MAX_LITERAL_VERDICTS = 10_000;

    private final HostResolver resolver;
    /**
     * Verdicts on IP literals: those depend only on the address and the allow-list, so each is judged once
     * instead of on every attempt (names are resolved and judged every time: DNS can change).
     */
    private final java.util.concurrent.ConcurrentHashMap<String, Verdict> literalVerdicts = new java.util.concurrent.ConcurrentHashMap<>();
    private final List<String> allowedHosts = new ArrayList<>();
    private final List<Cidr> allowedBlocks = new ArrayList<>();

    public EgressGuard(HostResolver resolver, List<String> allowList) {
        this.resolver = resolver;
        for (String entry : allowList) {
            String e = entry.strip().toLowerCase(Locale.ROOT);
            if (e.isEmpty()) continue;
            if (e.contains("/") || Cidr.looksLikeLiteral(e)) allowedBlocks.add(Cidr.parse(e));
            else allowedHosts.add(e);
        }
    }

    /**
     * Throws {@link IllegalArgumentException}, naming the entry, for an allow-list entry that can match
     * nothing: a block or address that does not parse, or a host name with characters no host name has.
     * At start, before anything is written, so a typo is one line and not an exception halfway through.
     */
    public static void checkAllowList(List<String> allowList) {
        for (String entry : allowList) {
            String e = entry.strip().toLowerCase(Locale.ROOT);
            if (e.isEmpty()) continue;
            String address = e.split("/", 2)[0];
            if (dev.eventwire.support.Ipv4Text.isShorthand(address)) {
                // 127.1 is 127.0.0.1 to Java, 10/8 would be 0.0.0.10/8, 0x7f.0.0.1 a host name no URL may have.
                throw new IllegalArgumentException("'" + entry.strip() + "' is not an IPv4 address written in full; write four numbers from 0 to 255,"
                        + " such as 127.0.0.1 or 10.0.0.0/8 (" + dev.eventwire.support.Ipv4Text.WHY_FULL_FORM + ")");
            }
            if (e.contains("/") || Cidr.looksLikeLiteral(e)) {
                Cidr.parse(e);
            } else if (!e.matches("[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?")) {
                throw new IllegalArgumentException("'" + entry.strip() + "' is neither an address, a CIDR block nor a host name");
            }
        }
    }

    /** The outcome of checking one host. */
    public sealed interface Verdict {
        record Allowed(List<InetAddress> addresses) implements Verdict {
        }

        record Denied(String reason) implements Verdict {
        }
    }

    /** A URL's host as names and addresses are compared: lower case, an IPv6 literal without its brackets. */
    public static String hostKey(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.startsWith("[") && h.endsWith("]") ? h.substring(1, h.length() - 1) : h;
    }

    /** Whether checking {@code host} asks DNS (and may block for as long as the resolver takes). */
    public static boolean needsLookup(String host) {
        return !Cidr.looksLikeLiteral(hostKey(host));
    }

    /** Resolves {@code host} once and approves or denies all of its addresses. */
    public Verdict check(String host) {
        String h = hostKey(host);
        Verdict known = literalVerdicts.get(h);
        if (known != null) return known;
        if (!Cidr.looksLikeLiteral(h)) return judge(host, h, false);
        if (literalVerdicts.size() >= MAX_LITERAL_VERDICTS) literalVerdicts.clear();
        Verdict verdict = judge(host, h, true);
        literalVerdicts.put(h, verdict);
        return verdict;
    }

    private Verdict judge(String host, String h, boolean literal) {
        List<InetAddress> addresses;
        try {
            addresses = literal ? List.of(Cidr.literal(h)) : resolver.resolve(h);
        } catch (UnknownHostException e) {
            return new Verdict.Denied("host " + host + " does not resolve");
        }
        if (addresses.isEmpty()) return new Verdict.Denied("host " + host + " has no addresses");
        if (allowedHosts.contains(h)) return new Verdict.Allowed(addresses);
        for (InetAddress address : addresses) {
            if (!isAllowed(address)) {
                return new Verdict.Denied("address " + address.getHostAddress() + " of " + host + " is not public (egress guard)");
            }
        }
        return new Verdict.Allowed(addresses);
    }

    private boolean isAllowed(InetAddress address) {
        for (Cidr block : allowedBlocks) {
            if (block.contains(address)) return true;
        }
        return isPublic(address);
    }

    static boolean isPublic(InetAddress address) {
        for (Cidr block : FORBIDDEN) {
            if (block.contains(address)) return false;
        }
        if (address instanceof Inet6Address v6) {
            for (InetAddress embedded : embeddedIpv4(v6.getAddress())) {
                if (!isPublic(embedded)) return false;
            }
        }
        return !(address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress());
    }

    /**
     * The IPv4 addresses inside every IPv6 form that carries one: IPv4-mapped (::ffff:a.b.c.d),
     * IPv4-compatible (::a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d), 6to4 (2002::/16), NAT64
     * (64:ff9b::/96 and the local-use 64:ff9b:1::/48), Teredo (2001::/32: the server and the obfuscated
     * client address) and ISATAP interface identifiers (…:0:5efe:a.b.c.d). An address is public only if
     * everything it embeds is.
     */
    static List<InetAddress> embeddedIpv4(byte[] a) {
        List<InetAddress> found = new ArrayList<>();
        boolean firstEightZero = true;
        for (int i = 0; i < 8; i++) firstEightZero &= a[i] == 0;
        boolean ff = a[10] == (byte) 0xff && a[11] == (byte) 0xff;
        if (firstEightZero && a[8] == 0 && a[9] == 0 && (ff || (a[10] == 0 && a[11] == 0))) found.add(v4(a, 12, false));
        if (firstEightZero && a[8] == (byte) 0xff && a[9] == (byte) 0xff && a[10] == 0 && a[11] == 0) found.add(v4(a, 12, false));
        if (a[0] == 0x20 && a[1] == 0x02) found.add(v4(a, 2, false));
        if (a[0] == 0x00 && a[1] == 0x64 && a[2] == (byte) 0xff && a[3] == (byte) 0x9b) {
            found.add(v4(a, 12, false));
            if (a[4] == 0 && a[5] == 1) found.add(v4(a, 6, false)); // 64:ff9b:1::/48 with a /48 prefix puts it right after
        }
        if (a[0] == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3] == 0) {
            found.add(v4(a, 4, false));
            found.add(v4(a, 12, true));
        }
        if ((a[8] == 0 || a[8] == 0x02) && a[9] == 0 && a[10] == 0x5e && a[11] == (byte) 0xfe) found.add(v4(a, 12, false));
        return found;
    }

    private static InetAddress v4(byte[] a, int from, boolean inverted) {
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) b[i] = (byte) (inverted ? ~a[from + i] : a[from + i]);
        try {
            return Inet4Address.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always an IPv4 address", e);
        }
    }
}
