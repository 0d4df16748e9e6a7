package io.masthead.webhook.ssrf.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressPolicyTest {

    private final AddressPolicy strict = new AddressPolicy(List.of());

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.1.2.3", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
        "169.254.169.254", "0.0.0.0", "0.1.2.3", "100.64.0.1", "100.127.255.255", "192.0.0.1", "192.0.2.1",
        "198.18.0.1", "198.51.100.7", "203.0.113.9", "224.0.0.1", "239.1.1.1", "240.0.0.1", "255.255.255.255",
        "::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1", "2001:db8::1", "::ffff:127.0.0.1",
        "::ffff:10.1.1.1", "64:ff9b::a00:1", "2002:a00:1::1"})
    void refusesEveryNonPublicAddress(String address) throws Exception {
        assertThat(strict.refusal(ip(address))).as(address).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "2606:4700::1111",
        "2a00:1450:4001:80b::200e"})
    void allowsPublicAddresses(String address) throws Exception {
        assertThat(strict.refusal(ip(address))).as(address).isEmpty();
    }

    @Test
    void anAllowedSubnetLetsItsAddressesThroughAndNoOthers() throws Exception {
        AddressPolicy local = AddressPolicy.allowing(List.of("127.0.0.0/8", "::1/128", "10.20.0.0/16"));
        assertThat(local.refusal(ip("127.0.0.1"))).isEmpty();
        assertThat(local.refusal(ip("::1"))).isEmpty();
        assertThat(local.refusal(ip("10.20.5.5"))).isEmpty();
        assertThat(local.refusal(ip("10.21.0.1"))).isPresent();
        assertThat(local.refusal(ip("169.254.169.254"))).isPresent();
    }

    @Test
    void cidrBlocksParseAndMatchOnTheirPrefix() throws Exception {
        Cidr block = Cidr.parse("100.64.0.0/10");
        assertThat(block.contains(ip("100.64.0.0"))).isTrue();
        assertThat(block.contains(ip("100.127.255.255"))).isTrue();
        assertThat(block.contains(ip("100.128.0.0"))).isFalse();
        assertThat(block.contains(ip("::1"))).isFalse();
        assertThat(Cidr.parse("fe80::/10").contains(ip("febf::1"))).isTrue();
        assertThat(Cidr.parse("8.8.8.8").contains(ip("8.8.8.8"))).isTrue();
        assertThatThrownBy(() -> Cidr.parse("example.com/8")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Cidr.parse("10.0.0.0/x")).isInstanceOf(IllegalArgumentException.class);
    }
}
