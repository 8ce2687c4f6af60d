package io.imdsguard.agent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

// Pure string logic: nothing here opens a socket. Traffic to IMDS's literal addresses is only ever
// sent by LiteralImdsAddressIT, inside a loopback-only network namespace it makes with unshare -rn.
class UrlPartsTest {

    @Test
    void splitsWhatTheImdsCheckNeeds() {
        UrlParts parts =
                UrlParts.parse("http://169.254.169.254/latest/meta-data/instance-id?x=1#frag");
        assertEquals("http", parts.scheme());
        assertEquals("169.254.169.254", parts.host());
        assertEquals(80, parts.port());
        assertEquals("/latest/meta-data/instance-id?x=1", parts.path());
        assertEquals("http://169.254.169.254:80", parts.origin());
    }

    @Test
    void keepsIpv6BracketsAndReadsPortsAndUserInfo() {
        UrlParts v6 = UrlParts.parse("http://[fd00:ec2::254]:8080/latest/api/token");
        assertEquals("[fd00:ec2::254]", v6.host());
        assertEquals(8080, v6.port());
        assertEquals("http://[fd00:ec2::254]:8080", v6.origin());
        UrlParts user = UrlParts.parse("HTTPS://user:secret@Instance-Data");
        assertEquals("Instance-Data", user.host());
        assertEquals(443, user.port());
        assertEquals("/", user.path());
        assertEquals("https://instance-data:443", user.origin());
    }

    @Test
    void refusesWhatIsNotAnAbsoluteHttpUrl() {
        assertNull(UrlParts.parse(null));
        assertNull(UrlParts.parse("/latest/meta-data/"));
        assertNull(UrlParts.parse("ftp://169.254.169.254/"));
        assertNull(UrlParts.parse("http:///path"));
        assertNull(UrlParts.parse("http://[fd00:ec2::254/"));
        assertNull(UrlParts.parse("http://host:port/"));
    }
}
