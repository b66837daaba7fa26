package dev.eventwire.delivery;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/** DNS, as a port so tests can count lookups and simulate rebinding without touching real DNS. */
@FunctionalInterface
public interface HostResolver {
    List<InetAddress> resolve(String host) throws UnknownHostException;

    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));
}
