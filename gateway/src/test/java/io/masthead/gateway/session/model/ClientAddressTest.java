package io.masthead.gateway.session.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class ClientAddressTest {

    private static String bucket(String address) throws UnknownHostException {
        return ClientAddress.bucketOf(InetAddress.getByName(address)).orElseThrow();
    }

    @Test
    void anIpv4AddressCountsAlone() throws UnknownHostException {
        assertThat(bucket("192.0.2.1")).isEqualTo("192.0.2.1");
        assertThat(bucket("192.0.2.2")).isNotEqualTo(bucket("192.0.2.1"));
    }

    @Test
    void anIpv6AddressCountsWithItsSlash64() throws UnknownHostException {
        assertThat(bucket("2001:db8:1:2::1")).isEqualTo("2001:db8:1:2::/64");
        assertThat(bucket("2001:db8:1:2:ffff:ffff:ffff:ffff")).isEqualTo(bucket("2001:db8:1:2::1"));
        assertThat(bucket("2001:db8:1:3::1")).isNotEqualTo(bucket("2001:db8:1:2::1"));
        assertThat(bucket("::1")).isEqualTo("0:0:0:0::/64");
    }

    @Test
    void anIpv4MappedIpv6AddressIsItsIpv4Address() throws UnknownHostException {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 1};
        // built as an Inet6Address, as a dual-stack socket may report it
        assertThat(ClientAddress.bucketOf(Inet6Address.getByAddress(null, mapped, null))).hasValue("192.0.2.1");
        assertThat(bucket("::ffff:192.0.2.1")).isEqualTo("192.0.2.1");
    }

    @Test
    void aPeerWithoutAnAddressHasNoBucket() {
        assertThat(ClientAddress.bucketOf(null)).isEmpty();
    }
}
