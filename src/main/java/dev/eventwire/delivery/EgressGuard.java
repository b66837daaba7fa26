package dev.eventwire.delivery;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Refuses destinations that are not on the public internet (SSRF protection, SPEC §6): every address
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

    private final HostResolver resolver;
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

    /** The outcome of checking one host. */
    public sealed interface Verdict {
        record Allowed(List<InetAddress> addresses) implements Verdict {
        }

        record Denied(String reason) implements Verdict {
        }
    }

    /** Resolves {@code host} once and approves or denies all of its addresses. */
    public Verdict check(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        List<InetAddress> addresses;
        try {
            addresses = Cidr.looksLikeLiteral(h) ? List.of(Cidr.literal(h)) : resolver.resolve(h);
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
            InetAddress embedded = embeddedIpv4(v6.getAddress());
            if (embedded != null) return isPublic(embedded);
        }
        return !(address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress());
    }

    /** The IPv4 address inside IPv4-mapped, IPv4-compatible, 6to4 and NAT64 forms, or null. */
    private static InetAddress embeddedIpv4(byte[] a) {
        try {
            boolean firstTenZero = true;
            for (int i = 0; i < 10; i++) firstTenZero &= a[i] == 0;
            if (firstTenZero && ((a[10] == (byte) 0xff && a[11] == (byte) 0xff) || (a[10] == 0 && a[11] == 0))) {
                return Inet4Address.getByAddress(new byte[]{a[12], a[13], a[14], a[15]});
            }
            if (a[0] == 0x20 && a[1] == 0x02) { // 2002::/16, 6to4: the IPv4 address follows the prefix
                return Inet4Address.getByAddress(new byte[]{a[2], a[3], a[4], a[5]});
            }
            if (a[0] == 0x00 && a[1] == 0x64 && a[2] == (byte) 0xff && a[3] == (byte) 0x9b) { // 64:ff9b::/96, NAT64
                return Inet4Address.getByAddress(new byte[]{a[12], a[13], a[14], a[15]});
            }
            return null;
        } catch (UnknownHostException e) {
            return null;
        }
    }
}
