package io.imdsguard.it.apps.libraries.awssdk;

import java.net.URI;

/**
 * The AWS SDKs fall back to the real IMDS address (169.254.169.254) when their endpoint override is
 * missing. The test apps call this first, so that a mistake in a test stops the app before the SDK
 * sends anything, instead of reaching for a real IMDS. (The only test that uses IMDS's real
 * address, LiteralImdsAddressIT, does so inside a loopback-only network namespace made with unshare
 * -rn.)
 */
final class LoopbackOnly {

    private LoopbackOnly() {}

    static void require(String property) {
        String endpoint = System.getProperty(property);
        String host = endpoint == null ? null : URI.create(endpoint).getHost();
        if (!"127.0.0.1".equals(host)) {
            System.out.println(
                    "refusing to run: system property "
                            + property
                            + " must point at the mock IMDS on "
                            + "127.0.0.1, is "
                            + endpoint);
            System.exit(3);
        }
    }
}
