package io.masthead.gateway.session.model;

import java.net.InetAddress;
import java.util.Optional;

/**
 * The subject of the per-address login limit. An IPv4 address counts alone; an IPv6 address counts with its /64
 * (one subscriber line or host usually holds a whole /64, and would otherwise have 2^64 fresh allowances); an
 * IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}, as a dual-stack socket reports IPv4 peers) is its IPv4
 * address. A peer without an address has no subject: the login is refused rather than pooled with every other such
 * peer into one shared bucket (which one client could exhaust for all).
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    /** The rate-limit subject of a peer address, e.g. {@code 192.0.2.1} or {@code 2001:db8:1:2::/64}. */
    public static Optional<String> bucketOf(InetAddress address) {
        if (address == null) {
            return Optional.empty();
        }
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return Optional.of(ipv4(bytes, 0));
        }
        if (bytes.length != 16) {
            return Optional.empty();
        }
        if (isIpv4Mapped(bytes)) {
            return Optional.of(ipv4(bytes, 12));
        }
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < 8; i += 2) {
            prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
        }
        return Optional.of(prefix.append(":/64").toString());
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return (bytes[10] & 0xff) == 0xff && (bytes[11] & 0xff) == 0xff;
    }

    private static String ipv4(byte[] bytes, int offset) {
        return (bytes[offset] & 0xff) + "." + (bytes[offset + 1] & 0xff) + "." + (bytes[offset + 2] & 0xff) + "."
                + (bytes[offset + 3] & 0xff);
    }
}
