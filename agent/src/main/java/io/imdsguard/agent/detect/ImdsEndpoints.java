package io.imdsguard.agent.detect;

import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Decides whether a request's target is the Instance Metadata Service: its well-known addresses and
 * names, or an endpoint override of the kind the AWS SDKs honour. Runs for every HTTP request of
 * the application, so the common "not IMDS" answer costs a few string comparisons and never a DNS
 * lookup.
 */
public final class ImdsEndpoints {

    public static final String ENDPOINT_ENV = "AWS_EC2_METADATA_SERVICE_ENDPOINT";
    public static final String SDK_V1_PROPERTY =
            "com.amazonaws.sdk.ec2MetadataServiceEndpointOverride";
    public static final String SDK_V2_PROPERTY = "aws.ec2MetadataServiceEndpoint";

    static final long IPV4 = 0xA9FEA9FEL; // 169.254.169.254
    private static final byte[] IPV6 = {
        (byte) 0xfd, 0, 0x0e, (byte) 0xc2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54
    };
    private static final byte[] IPV4_MAPPED_PREFIX = {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff
    };

    /** Reads a system property; a seam so that tests need not touch the JVM's real properties. */
    public interface PropertySource {
        String get(String name);
    }

    private final List<HostPort> fixedOverrides;
    private final PropertySource properties;
    private final LiveOverride sdkV1Override;
    private final LiveOverride sdkV2Override;

    /**
     * @param agentEndpoint the agent key {@code endpoint}, or null
     * @param environmentEndpoint the value of {@code AWS_EC2_METADATA_SERVICE_ENDPOINT}, or null
     * @param properties where the SDKs' override properties are read; they are read on each check
     *     because applications often set them in {@code main}, after the agent starts
     */
    public ImdsEndpoints(URI agentEndpoint, String environmentEndpoint, PropertySource properties) {
        List<HostPort> overrides = new ArrayList<HostPort>();
        HostPort fromAgent = HostPort.of(agentEndpoint);
        if (fromAgent != null) {
            overrides.add(fromAgent);
        }
        HostPort fromEnvironment = HostPort.parse(environmentEndpoint);
        if (fromEnvironment != null) {
            overrides.add(fromEnvironment);
        }
        this.fixedOverrides = Collections.unmodifiableList(overrides);
        this.properties = properties;
        this.sdkV1Override = new LiveOverride(SDK_V1_PROPERTY);
        this.sdkV2Override = new LiveOverride(SDK_V2_PROPERTY);
    }

    /** The endpoints seen by the JVM it runs in: its environment and system properties. */
    public static ImdsEndpoints forThisJvm(URI agentEndpoint) {
        return new ImdsEndpoints(
                agentEndpoint,
                System.getenv(ENDPOINT_ENV),
                new PropertySource() {
                    @Override
                    public String get(String name) {
                        return System.getProperty(name);
                    }
                });
    }

    /**
     * @param host the request's host as a URL gives it (IPv6 literals may keep their brackets)
     * @param port the request's port, with the scheme's default filled in
     */
    public boolean isImds(String host, int port) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String normalised = HostPort.normalise(host);
        if (normalised.isEmpty()) {
            return false;
        }
        return isWellKnown(normalised) || matchesOverride(normalised, port);
    }

    /**
     * Whether an HTTP/1 request's {@code Host} header names IMDS, as a redirect's {@code Location}
     * into IMDS makes a client write it: the header's own port, or 80 when it gives none. The
     * connection backstop asks this of a request that reached IMDS without its client's hook seeing
     * an IMDS URL, to tell a redirect from a name that merely resolves there.
     */
    public boolean hostHeaderNamesImds(String hostHeader) {
        HostPort named = HostPort.fromHostHeader(hostHeader);
        return named != null && isImds(named.host, named.port);
    }

    /**
     * Whether a connection to {@code address:port} is a connection to IMDS: the well-known
     * addresses, or the resolved address of a configured endpoint. This is what the connection
     * backstop asks once per socket: whatever name, redirect or client led there, the resolved
     * address decides. An endpoint given as a name is resolved once (and again only when its value
     * changes), never per connection.
     */
    public boolean isImdsAddress(InetAddress address, int port) {
        if (address == null) {
            return false;
        }
        byte[] raw = address.getAddress();
        if (raw.length == 4
                ? toLong(raw, 0) == IPV4
                : Arrays.equals(raw, IPV6) || isMappedImdsIpv4(raw)) {
            return true;
        }
        for (HostPort override : fixedOverrides) {
            if (override.matchesAddress(address, port)) {
                return true;
            }
        }
        return sdkV1Override.matchesAddress(address, port)
                || sdkV2Override.matchesAddress(address, port);
    }

    private boolean isWellKnown(String host) {
        if ("169.254.169.254".equals(host)
                || "instance-data".equals(host)
                || "instance-data.ec2.internal".equals(host)) {
            return true;
        }
        char first = host.charAt(0);
        if (first >= '0' && first <= '9' && host.indexOf(':') < 0) {
            return IpLiterals.parseIpv4(host) == IPV4;
        }
        if (host.indexOf(':') >= 0) {
            byte[] address = IpLiterals.parseIpv6(host);
            return address != null && (Arrays.equals(address, IPV6) || isMappedImdsIpv4(address));
        }
        return false;
    }

    private static boolean isMappedImdsIpv4(byte[] address) {
        if (address.length == 4) {
            // The JDK already turned ::ffff:a.b.c.d into an IPv4 address.
            return toLong(address, 0) == IPV4;
        }
        return address.length == 16
                && Arrays.equals(Arrays.copyOf(address, 12), IPV4_MAPPED_PREFIX)
                && toLong(address, 12) == IPV4;
    }

    private static long toLong(byte[] address, int offset) {
        long value = 0;
        for (int i = offset; i < offset + 4; i++) {
            value = (value << 8) | (address[i] & 0xff);
        }
        return value;
    }

    private boolean matchesOverride(String host, int port) {
        for (HostPort override : fixedOverrides) {
            if (override.matches(host, port)) {
                return true;
            }
        }
        return sdkV1Override.matches(host, port) || sdkV2Override.matches(host, port);
    }

    /** A system-property override, re-parsed only when the property's value changes. */
    private final class LiveOverride {
        private final String property;
        private volatile Parsed parsed = new Parsed(null, null);

        LiveOverride(String property) {
            this.property = property;
        }

        boolean matches(String host, int port) {
            HostPort endpoint = current();
            return endpoint != null && endpoint.matches(host, port);
        }

        boolean matchesAddress(InetAddress address, int port) {
            HostPort endpoint = current();
            return endpoint != null && endpoint.matchesAddress(address, port);
        }

        private HostPort current() {
            String raw = properties.get(property);
            if (raw == null) {
                return null;
            }
            Parsed current = parsed;
            if (!raw.equals(current.raw)) {
                current = new Parsed(raw, HostPort.parse(raw));
                parsed = current;
            }
            return current.endpoint;
        }
    }

    private static final class Parsed {
        final String raw;
        final HostPort endpoint;

        Parsed(String raw, HostPort endpoint) {
            this.raw = raw;
            this.endpoint = endpoint;
        }
    }
}
