package io.imdsguard.agent.detect;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Recognises the many spellings of one IP address without ever asking DNS: an SSRF payload may
 * write 169.254.169.254 as {@code 2852039166}, {@code 169.254.43518} or {@code ::ffff:a9fe:a9fe},
 * and the JDK connects to IMDS for each of them.
 */
final class IpLiterals {

    private IpLiterals() {
    }

    /** The IPv4 address in one of the decimal forms the JDK accepts (a, a.b, a.b.c, a.b.c.d), or -1. */
    static long parseIpv4(String host) {
        if (host.isEmpty() || host.length() > 15) {
            return -1;
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length > 4) {
            return -1;
        }
        long[] values = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.length() > 10) {
                return -1;
            }
            for (int c = 0; c < part.length(); c++) {
                if (part.charAt(c) < '0' || part.charAt(c) > '9') {
                    return -1;
                }
            }
            values[i] = Long.parseLong(part);
        }
        long address = 0;
        for (int i = 0; i < values.length - 1; i++) {
            if (values[i] > 255) {
                return -1;
            }
            address = (address << 8) | values[i];
        }
        int lastBytes = 4 - (values.length - 1);
        long last = values[values.length - 1];
        if (last >= (1L << (8 * lastBytes))) {
            return -1;
        }
        return (address << (8 * lastBytes)) | last;
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
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
                    || c == ':' || c == '.';
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
