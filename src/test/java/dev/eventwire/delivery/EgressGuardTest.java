package dev.eventwire.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EgressGuardTest {
    static final HostResolver NO_DNS = host -> {
        throw new java.net.UnknownHostException(host);
    };

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "169.254.169.254",
            "100.64.0.1", "100.127.255.254", "0.0.0.0", "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "::ffff:127.0.0.1",
            "::ffff:10.0.0.1", "2002:7f00:1::1", "2002:a00:1::", "224.0.0.1", "ff02::1", "255.255.255.255", "64:ff9b::a00:1",
            // every IPv6 form that embeds an IPv4 address is judged by that address
            "::7f00:1", "::ffff:0:7f00:1", "::ffff:0:a9fe:a9fe", "64:ff9b:1:a00:1::", "2001:0:4136:e378:8000:63bf:80ff:fffe",
            "2606:4700::5efe:a00:1", "2606:4700::200:5efe:7f00:1", "[::ffff:0:7f00:1]"})
    void refusesNonPublicAddresses(String address) {
        EgressGuard guard = new EgressGuard(NO_DNS, List.of());
        assertThat(guard.check(address)).isInstanceOf(EgressGuard.Verdict.Denied.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700:4700::1111", "2002:808:808::1", "::ffff:0:808:808",
            "2606:4700::5efe:808:808"})
    void allowsPublicAddresses(String address) {
        assertThat(new EgressGuard(NO_DNS, List.of()).check(address)).isInstanceOf(EgressGuard.Verdict.Allowed.class);
    }

    @Test
    void allowListExemptsCidrsAndHostNames() {
        HostResolver dns = host -> List.of(InetAddress.getByName("127.0.0.1"));
        assertThat(new EgressGuard(dns, List.of("127.0.0.1/32")).check("127.0.0.1")).isInstanceOf(EgressGuard.Verdict.Allowed.class);
        assertThat(new EgressGuard(dns, List.of("127.0.0.1/32")).check("127.0.0.2")).isInstanceOf(EgressGuard.Verdict.Denied.class);
        assertThat(new EgressGuard(dns, List.of("localhost")).check("localhost")).isInstanceOf(EgressGuard.Verdict.Allowed.class);
        assertThat(new EgressGuard(dns, List.of()).check("localhost")).isInstanceOf(EgressGuard.Verdict.Denied.class);
        assertThat(new EgressGuard(dns, List.of("10.0.0.0/8")).check("10.9.9.9")).isInstanceOf(EgressGuard.Verdict.Allowed.class);
    }

    @Test
    void aNameIsRefusedWhenAnyOfItsAddressesIsPrivate() throws Exception {
        HostResolver dns = host -> List.of(InetAddress.getByName("8.8.8.8"), InetAddress.getByName("10.0.0.5"));
        assertThat(new EgressGuard(dns, List.of()).check("mixed.example")).isInstanceOf(EgressGuard.Verdict.Denied.class);
    }

    @Test
    void unresolvableHostsAreRefused() {
        assertThat(new EgressGuard(NO_DNS, List.of()).check("nowhere.invalid")).isInstanceOf(EgressGuard.Verdict.Denied.class);
    }
}
