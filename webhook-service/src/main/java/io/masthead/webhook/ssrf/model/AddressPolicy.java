package io.masthead.webhook.ssrf.model;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses a webhook may be sent to: public unicast only, so an endpoint URL cannot make the service
 * reach into its own network (SSRF). Refused unless inside an allowed subnet: loopback, private (RFC 1918),
 * link-local (cloud metadata at 169.254.169.254), "this network" 0.0.0.0/8, carrier-grade NAT 100.64.0.0/10,
 * IETF protocol assignments 192.0.0.0/24, documentation and benchmarking ranges, multicast, reserved 240.0.0.0/4
 * and broadcast, and their IPv6 counterparts (unique-local fc00::/7, link-local fe80::/10, site-local,
 * documentation 2001:db8::/32, NAT64 64:ff9b::/96, 6to4 2002::/16 and Teredo 2001::/32 that embed IPv4, and
 * IPv4-mapped/compatible addresses judged by the IPv4 address inside).
 */
public final class AddressPolicy {

    private static final List<Cidr> FORBIDDEN_V4 = List.of(
            Cidr.parse("0.0.0.0/8"), Cidr.parse("10.0.0.0/8"), Cidr.parse("100.64.0.0/10"), Cidr.parse("127.0.0.0/8"),
            Cidr.parse("169.254.0.0/16"), Cidr.parse("172.16.0.0/12"), Cidr.parse("192.0.0.0/24"),
            Cidr.parse("192.0.2.0/24"), Cidr.parse("192.88.99.0/24"), Cidr.parse("192.168.0.0/16"),
            Cidr.parse("198.18.0.0/15"), Cidr.parse("198.51.100.0/24"), Cidr.parse("203.0.113.0/24"),
            Cidr.parse("224.0.0.0/4"), Cidr.parse("240.0.0.0/4"));

    private static final List<Cidr> FORBIDDEN_V6 = List.of(
            Cidr.parse("::/128"), Cidr.parse("::1/128"), Cidr.parse("64:ff9b::/96"), Cidr.parse("64:ff9b:1::/48"),
            Cidr.parse("100::/64"), Cidr.parse("2001::/32"), Cidr.parse("2001:db8::/32"), Cidr.parse("2002::/16"),
            Cidr.parse("fc00::/7"), Cidr.parse("fe80::/10"), Cidr.parse("fec0::/10"), Cidr.parse("ff00::/8"));

    private final List<Cidr> allowed;

    public AddressPolicy(List<Cidr> allowed) {
        this.allowed = List.copyOf(allowed);
    }

    public static AddressPolicy allowing(List<String> subnets) {
        return new AddressPolicy(subnets.stream().map(Cidr::parse).toList());
    }

    public List<Cidr> allowed() {
        return allowed;
    }

    /** Why {@code address} may not be called, or empty when it may. */
    public Optional<String> refusal(InetAddress address) {
        if (allowed.stream().anyMatch(c -> c.contains(address))) {
            return Optional.empty();
        }
        InetAddress judged = embeddedIpv4(address);
        if (judged != address && allowed.stream().anyMatch(c -> c.contains(judged))) {
            return Optional.empty();
        }
        if (judged instanceof Inet4Address) {
            for (Cidr block : FORBIDDEN_V4) {
                if (block.contains(judged)) {
                    return Optional.of(address.getHostAddress() + " is in the non-public range " + block);
                }
            }
            if (judged.getHostAddress().equals("255.255.255.255")) {
                return Optional.of("255.255.255.255 is the broadcast address");
            }
            return Optional.empty();
        }
        for (Cidr block : FORBIDDEN_V6) {
            if (block.contains(address)) {
                return Optional.of(address.getHostAddress() + " is in the non-public range " + block);
            }
        }
        return Optional.empty();
    }

    /** The IPv4 address inside an IPv4-mapped (::ffff:a.b.c.d) or IPv4-compatible (::a.b.c.d) IPv6 address. */
    private static InetAddress embeddedIpv4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address;
        }
        byte[] b = address.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return address;
            }
        }
        boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = b[10] == 0 && b[11] == 0
                && !((b[12] | b[13] | b[14]) == 0 && (b[15] == 0 || b[15] == 1)); // not :: or ::1
        if (!mapped && !compatible) {
            return address;
        }
        try {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (java.net.UnknownHostException e) {
            return address;
        }
    }
}
