package io.imdsguard.agent.detect;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The matcher runs for every HTTP request of the application. Every host used here is either an IP
 * literal, one of IMDS's fixed names, or a name that must be judged "not IMDS" by string comparison
 * alone: nothing here may need DNS. Nothing here opens a socket either: traffic to IMDS's literal
 * addresses is only ever sent by LiteralImdsAddressIT, inside a loopback-only network namespace it
 * makes with unshare -rn.
 */
class ImdsEndpointsTest {

    /** A PropertySource the test controls, counting reads to prove overrides are read live. */
    private static final class Props implements ImdsEndpoints.PropertySource {
        final Map<String, String> values = new ConcurrentHashMap<String, String>();
        final AtomicInteger reads = new AtomicInteger();

        @Override
        public String get(String name) {
            reads.incrementAndGet();
            return values.get(name);
        }
    }

    private static ImdsEndpoints plain() {
        return new ImdsEndpoints(null, null, new Props());
    }

    @Test
    void theWellKnownAddressesAndNamesAreImds() {
        ImdsEndpoints endpoints = plain();
        String[] imds = {
            "169.254.169.254",
            "169.254.169.254.", // fully qualified form
            "2852039166", // one 32-bit number
            "169.254.43518", // a.b.c with a 16-bit last part
            "169.16689662", // a.b with a 24-bit last part
            "[fd00:ec2::254]", // IPv6 as a URL gives it
            "fd00:ec2::254",
            "[FD00:EC2::254]",
            "fd00:0ec2:0000:0000:0000:0000:0000:0254",
            "[fd00:ec2:0:0:0:0:0:254]",
            "::ffff:169.254.169.254", // IPv4-mapped
            "[::ffff:169.254.169.254]",
            "::ffff:a9fe:a9fe",
            "0:0:0:0:0:ffff:a9fe:a9fe",
            "instance-data",
            "instance-data.",
            "INSTANCE-DATA",
            "instance-data.ec2.internal",
            "Instance-Data.EC2.Internal.",
        };
        for (String host : imds) {
            assertTrue(endpoints.isImds(host, 80), host + " is IMDS");
        }
    }

    @Test
    void lookalikesAndOrdinaryHostsAreNotImds() {
        ImdsEndpoints endpoints = plain();
        String[] notImds = {
            "169.254.169.253",
            "169.254.169.2540",
            "169.254.169.254.1",
            "1.169.254.169.254",
            "2852039167",
            "4294967296", // one more than 32 bits
            "2852039166000000",
            "169..16689662", // an empty part
            "169.254.169.25a",
            "256.254.169.254",
            "00000000169.254.43518", // more digits than any part may have
            "169.254.169.254.nip.io", // a DNS name: judged by its text only
            "169.254.169.254.example.com",
            "instance-data.example.com",
            "my-instance-data",
            "instance-data.ec2.internal.evil.example",
            "example.com",
            "localhost",
            "127.0.0.1",
            "10.0.0.1",
            "fd00:ec2::253",
            "[fd00:ec2::255]",
            "fd00::254",
            "::ffff:169.254.169.253",
            "::1",
            "",
        };
        for (String host : notImds) {
            assertFalse(endpoints.isImds(host, 80), host + " is not IMDS");
        }
        assertFalse(endpoints.isImds(null, 80));
    }

    @Test
    void overridesFromTheAgentKeyAndTheEnvironmentMatchOnHostAndPort() {
        ImdsEndpoints endpoints =
                new ImdsEndpoints(
                        URI.create("http://127.0.0.1:1338"), "http://LocalHost:8111/", new Props());
        assertTrue(endpoints.isImds("127.0.0.1", 1338));
        assertFalse(endpoints.isImds("127.0.0.1", 1339), "same host, other port");
        assertFalse(endpoints.isImds("127.0.0.2", 1338), "same port, other host");
        assertTrue(endpoints.isImds("localhost", 8111));
        assertTrue(endpoints.isImds("LOCALHOST.", 8111));
        assertFalse(endpoints.isImds("localhost", 1338), "ports are not shared between overrides");
        assertFalse(endpoints.isImds("localhost", 80));
        // the fixed addresses are still recognised next to the overrides
        assertTrue(endpoints.isImds("169.254.169.254", 80));
    }

    @Test
    void anOverrideWithoutPortMeansTheSchemesDefaultPort() {
        ImdsEndpoints http = new ImdsEndpoints(URI.create("http://127.0.0.1"), null, new Props());
        assertTrue(http.isImds("127.0.0.1", 80));
        assertFalse(http.isImds("127.0.0.1", 8080));
        ImdsEndpoints https = new ImdsEndpoints(null, "https://127.0.0.1/", new Props());
        assertTrue(https.isImds("127.0.0.1", 443));
        assertFalse(https.isImds("127.0.0.1", 80));
    }

    @Test
    void anIpv6OverrideMatchesWithOrWithoutBrackets() {
        ImdsEndpoints endpoints = new ImdsEndpoints(null, "http://[::1]:1338", new Props());
        assertTrue(endpoints.isImds("[::1]", 1338));
        assertTrue(endpoints.isImds("::1", 1338));
        assertFalse(endpoints.isImds("::1", 1339));
    }

    /** The one reading of a Host header, for the socket and the NIO backstop alike. */
    @Test
    void aHostHeaderNamesImdsByItsOwnPortOrPlainHttpsDefault() {
        ImdsEndpoints endpoints =
                new ImdsEndpoints(
                        URI.create("http://127.0.0.1:1338"), "http://[::1]:1339", new Props());
        assertTrue(endpoints.hostHeaderNamesImds("127.0.0.1:1338"), "explicit port");
        assertFalse(
                endpoints.hostHeaderNamesImds("127.0.0.1:1339"),
                "the header's port, not the connection's");
        assertFalse(endpoints.hostHeaderNamesImds("127.0.0.1"), "no port is port 80");
        assertTrue(
                endpoints.hostHeaderNamesImds("169.254.169.254"),
                "default port, well-known address");
        assertTrue(endpoints.hostHeaderNamesImds(" 169.254.169.254:80 "), "surrounding spaces");
        assertTrue(
                endpoints.hostHeaderNamesImds("[::1]:1339"),
                "IPv6 literal in brackets with its port");
        assertFalse(endpoints.hostHeaderNamesImds("[::1]"), "IPv6 literal, default port");
        assertTrue(
                endpoints.hostHeaderNamesImds("[fd00:ec2::254]"), "the IPv6 address, default port");
        assertTrue(endpoints.hostHeaderNamesImds("[FD00:EC2::254]:80"), "upper case IPv6");
        assertTrue(
                endpoints.hostHeaderNamesImds("fd00:ec2::254"), "a bare IPv6 literal has no port");
        assertTrue(endpoints.hostHeaderNamesImds("Instance-Data.EC2.Internal"), "case");
        assertTrue(endpoints.hostHeaderNamesImds("instance-data.ec2.internal.:80"), "trailing dot");
        assertFalse(
                endpoints.hostHeaderNamesImds("localhost:1338"),
                "an alias name does not name IMDS");
    }

    @Test
    void aHostHeaderThatIsEmptyOrHasABadPortNamesNothing() {
        ImdsEndpoints endpoints =
                new ImdsEndpoints(URI.create("http://127.0.0.1:1338"), null, new Props());
        assertFalse(endpoints.hostHeaderNamesImds(null));
        assertFalse(endpoints.hostHeaderNamesImds(""));
        assertFalse(endpoints.hostHeaderNamesImds(":1338"));
        assertFalse(endpoints.hostHeaderNamesImds("127.0.0.1:"));
        assertFalse(endpoints.hostHeaderNamesImds("127.0.0.1:13x8"));
        assertFalse(endpoints.hostHeaderNamesImds("169.254.169.254:99999999999"));
    }

    @Test
    void unusableOverridesAreIgnoredWithoutFailing() {
        Props props = new Props();
        props.values.put(ImdsEndpoints.SDK_V1_PROPERTY, "not a url at all");
        props.values.put(ImdsEndpoints.SDK_V2_PROPERTY, "127.0.0.1:1338");
        ImdsEndpoints endpoints = new ImdsEndpoints(null, "::::", props);
        assertFalse(endpoints.isImds("127.0.0.1", 1338));
        assertTrue(endpoints.isImds("169.254.169.254", 80));
        ImdsEndpoints blank = new ImdsEndpoints(null, "  ", props);
        assertFalse(blank.isImds("127.0.0.1", 80));
    }

    @Test
    void sdkPropertyOverridesAreReadLiveAndAChangedValueTakesEffect() {
        for (String property :
                new String[] {ImdsEndpoints.SDK_V1_PROPERTY, ImdsEndpoints.SDK_V2_PROPERTY}) {
            Props props = new Props();
            ImdsEndpoints endpoints = new ImdsEndpoints(null, null, props);
            assertFalse(endpoints.isImds("127.0.0.1", 9000), property);

            // the application sets the property in main(), after the agent started
            props.values.put(property, "http://127.0.0.1:9000");
            int readsBefore = props.reads.get();
            assertTrue(endpoints.isImds("127.0.0.1", 9000), property);
            assertTrue(props.reads.get() > readsBefore, "the property is read at each check");
            assertFalse(endpoints.isImds("127.0.0.1", 9001), property);

            props.values.put(property, "http://127.0.0.1:9001");
            assertFalse(
                    endpoints.isImds("127.0.0.1", 9000),
                    "the old value no longer applies: " + property);
            assertTrue(endpoints.isImds("127.0.0.1", 9001), property);

            props.values.put(property, "http://[::1]:9001");
            assertFalse(endpoints.isImds("127.0.0.1", 9001), property);
            assertTrue(endpoints.isImds("[::1]", 9001), property);

            props.values.remove(property);
            assertFalse(
                    endpoints.isImds("[::1]", 9001),
                    "a removed property no longer applies: " + property);
        }
    }

    @Test
    void bothSdkPropertiesAndFixedOverridesApplyTogether() {
        Props props = new Props();
        props.values.put(ImdsEndpoints.SDK_V1_PROPERTY, "http://127.0.0.1:7001");
        props.values.put(ImdsEndpoints.SDK_V2_PROPERTY, "http://127.0.0.1:7002");
        ImdsEndpoints endpoints =
                new ImdsEndpoints(
                        URI.create("http://127.0.0.1:7003"), "http://127.0.0.1:7004", props);
        for (int port = 7001; port <= 7004; port++) {
            assertTrue(endpoints.isImds("127.0.0.1", port), "port " + port);
        }
        assertFalse(endpoints.isImds("127.0.0.1", 7005));
    }

    @Test
    void forThisJvmReadsTheRealSystemPropertiesLive() {
        String previous = System.getProperty(ImdsEndpoints.SDK_V2_PROPERTY);
        ImdsEndpoints endpoints = ImdsEndpoints.forThisJvm(null);
        try {
            System.setProperty(ImdsEndpoints.SDK_V2_PROPERTY, "http://127.0.0.1:45999");
            assertTrue(endpoints.isImds("127.0.0.1", 45999));
        } finally {
            if (previous == null) {
                System.clearProperty(ImdsEndpoints.SDK_V2_PROPERTY);
            } else {
                System.setProperty(ImdsEndpoints.SDK_V2_PROPERTY, previous);
            }
        }
    }

    @Test
    void aHostThatNormalisesToNothingIsNotImds() {
        assertFalse(plain().isImds(".", 80));
    }

    @Test
    void anIpv6LiteralWithAZoneIdIsStillImds() {
        ImdsEndpoints endpoints = plain();
        assertTrue(endpoints.isImds("[fd00:ec2::254%eth0]", 80));
        assertTrue(endpoints.isImds("fd00:ec2::254%1", 80));
        assertFalse(endpoints.isImds("[fd00:ec2::253%eth0]", 80));
    }

    /**
     * The connection backstop judges by resolved address: the names of an endpoint are resolved for
     * it.
     */
    @Test
    void aConnectionIsImdsByItsResolvedAddressWhateverNameLedThere() throws Exception {
        ImdsEndpoints endpoints =
                new ImdsEndpoints(URI.create("http://localhost:1338"), null, name -> null);
        assertTrue(endpoints.isImdsAddress(java.net.InetAddress.getByName("127.0.0.1"), 1338));
        assertFalse(endpoints.isImdsAddress(java.net.InetAddress.getByName("127.0.0.1"), 1339));
        assertTrue(plain().isImdsAddress(java.net.InetAddress.getByName("169.254.169.254"), 80));
        assertTrue(plain().isImdsAddress(java.net.InetAddress.getByName("fd00:ec2::254"), 80));
        assertFalse(plain().isImdsAddress(java.net.InetAddress.getByName("169.254.169.253"), 80));
        assertFalse(plain().isImdsAddress(java.net.InetAddress.getByName("127.0.0.1"), 1338));
    }
}
