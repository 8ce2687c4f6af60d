package io.imdsguard.demo;

import io.imdsguard.demo.legacy.AsyncIdentityDocument;
import io.imdsguard.demo.legacy.LegacyCredentialsFetcher;
import io.imdsguard.demo.legacy.LegacyInstanceInfo;
import io.imdsguard.demo.legacy.LegacyRegionLookup;
import io.imdsguard.demo.modern.ModernMetadataClient;
import io.imdsguard.mockimds.ImdsStats;
import io.imdsguard.mockimds.MockImds;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.Callable;

/**
 * A service in the middle of its IMDSv2 migration: some code still calls v1 through
 * HttpURLConnection, URL.openStream and java.net.http (sync and async), some already uses v2. By
 * default it brings its own mock IMDS on loopback and points the AWS SDKs' endpoint override at it,
 * so it runs anywhere and never talks to a real IMDS.
 */
public final class DemoApp {

    /** What AWS SDK for Java v2 reads to find IMDS; imds-guard honours it too. */
    static final String SDK_ENDPOINT_PROPERTY = "aws.ec2MetadataServiceEndpoint";

    private DemoApp() {}

    public static void main(String[] args) throws Exception {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("demo: " + e.getMessage());
            System.err.println(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(DemoOptions.USAGE);
            return;
        }
        MockImds mock = null;
        String endpoint;
        if (options.endpoint != null) {
            endpoint = options.endpoint.toString().replaceAll("/+$", "");
            System.out.println("demo: using the IMDS at " + endpoint);
        } else {
            mock =
                    MockImds.builder()
                            .host(options.mockHost)
                            .port(options.mockPort)
                            .httpTokens(options.httpTokens)
                            .start();
            endpoint = mock.endpoint().replace(":80", "");
            System.out.println(
                    "demo: embedded mock IMDS at "
                            + endpoint
                            + " (HttpTokens="
                            + options.httpTokens.name().toLowerCase()
                            + ")");
        }
        if (!endpoint.contains("169.254.169.254") && !endpoint.contains("fd00:ec2::254")) {
            // Point "the SDK" at the mock exactly as a real service would be configured. On IMDS's
            // own address (inside a test's network namespace) no override is needed, as on EC2.
            System.setProperty(SDK_ENDPOINT_PROPERTY, endpoint);
        }
        int failures = run(endpoint, options.repeat);
        if (mock != null) {
            ImdsStats stats = mock.stats();
            System.out.println(
                    "demo: the mock IMDS received "
                            + (stats.v1Served() + stats.v1Rejected())
                            + " v1, "
                            + (stats.v2Served() + stats.v2Rejected())
                            + " v2 and "
                            + (stats.tokensIssued() + stats.tokenRequestsRejected())
                            + " token request(s); "
                            + (stats.v1Rejected() + stats.v2Rejected())
                            + " rejected");
        }
        if (options.hold) {
            System.out.println("demo: holding; press Enter to exit");
            new BufferedReader(new InputStreamReader(System.in)).readLine();
        }
        if (mock != null) {
            mock.close();
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    private static int run(String endpoint, int repeat) {
        LegacyInstanceInfo instanceInfo = new LegacyInstanceInfo(endpoint);
        LegacyRegionLookup regionLookup = new LegacyRegionLookup(endpoint);
        LegacyCredentialsFetcher credentials = new LegacyCredentialsFetcher(endpoint);
        AsyncIdentityDocument identity = new AsyncIdentityDocument(endpoint);
        ModernMetadataClient modern = new ModernMetadataClient(endpoint);
        int failures = 0;
        for (int round = 0; round < repeat; round++) {
            boolean print = round == 0;
            failures +=
                    call(
                            print,
                            "v1 HttpURLConnection     ",
                            "instance-id",
                            instanceInfo::instanceId);
            failures += call(print, "v1 URL.openStream        ", "region", regionLookup::region);
            failures +=
                    call(
                            print,
                            "v1 java.net.http         ",
                            "access key",
                            credentials::accessKeyId);
            failures +=
                    call(
                            print,
                            "v1 java.net.http (async) ",
                            "account",
                            () -> identity.accountId().get());
            failures +=
                    call(print, "v2 java.net.http         ", "instance-type", modern::instanceType);
            failures +=
                    call(
                            print,
                            "v2 HttpURLConnection     ",
                            "availability-zone",
                            modern::availabilityZone);
        }
        if (repeat > 1) {
            System.out.println(
                    "demo: repeated every call " + repeat + " times, " + failures + " failure(s)");
        }
        return failures;
    }

    private static int call(boolean print, String how, String what, Callable<String> call) {
        try {
            String value = call.call();
            if (print) {
                System.out.println("[" + how + "] " + what + ": " + value.trim());
            }
            return 0;
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            System.out.println("[" + how + "] " + what + ": FAILED (" + cause.getMessage() + ")");
            return 1;
        }
    }
}
