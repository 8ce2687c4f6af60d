package io.imdsguard.agent.detect;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Recognises the many spellings of one IP address without ever asking DNS: an SSRF payload may
 * write 169.254.169.254 as {@code 2852039166}, {@code 169.254.43518} or {@code ::ffff:a9fe:a9fe},
 * and the JDK connects to IMDS for each of them.
 */
final class IpLiterals {

    private IpLiterals() {}

    /**
     * The IPv4 address in one of the decimal forms the JDK accepts (a, a.b, a.b.c, a.b.c.d), or -1.
     * Every loopback or private-address request asks this, so it parses in place, without splitting
     * the text or allocating.
     */
    static long parseIpv4(String host) {
        if (host.isEmpty() || host.length() > 15) {
            return -1;
        }
        long address = 0;
        int parts = 0;
        long value = 0;
        int digits = 0;
        for (int i = 0; i <= host.length(); i++) {
            char c = i < host.length() ? host.charAt(i) : '.';
            if (c >= '0' && c <= '9') {
                value = value * 10 + (c - '0');
                if (++digits > 10) {
                    return -1;
                }
                continue;
            }
            if (c != '.' || digits == 0 || parts == 4) {
                return -1;
            }
            if (i < host.length()) {
                // Not the last part: one byte.
                if (value > 255) {
                    return -1;
                }
                address = (address << 8) | value;
            }
            parts++;
            if (i == host.length()) {
                int lastBytes = 4 - (parts - 1);
                if (value >= (1L << (8 * lastBytes))) {
                    return -1;
                }
                return (address << (8 * lastBytes)) | value;
            }
            value = 0;
            digits = 0;
        }
        return -1;
    }

    /**
     * The 16 bytes of an IPv6 literal, or null. Only called on text containing ':', which the JDK
     * parses as a literal without any lookup.
     */
    static byte[] parseIpv6(String literal) {
        // A zone id (fd00:ec2::254%eth0) only picks the interface; the address is what counts.
        int zone = literal.indexOf('%');
        String host = zone >= 0 ? literal.substring(0, zone) : literal;
        if (host.indexOf(':') < 0) {
            return null;
        }
        // The JDK treats text as a literal (and never looks it up) only when it starts like one.
        if (Character.digit(host.charAt(0), 16) < 0 && host.charAt(0) != ':') {
            return null;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok =
                    (c >= '0' && c <= '9')
                            || (c >= 'a' && c <= 'f')
                            || (c >= 'A' && c <= 'F')
                            || c == ':'
                            || c == '.';
            if (!ok) {
                return null;
            }
        }
        try {
            return InetAddress.getByName(host).getAddress();
        } catch (UnknownHostException | RuntimeException e) {
            return null;
        }
    }
}
