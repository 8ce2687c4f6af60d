package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.indirect.IndirectRequestsApp;
import io.imdsguard.it.support.AppJava;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.ImdsOnItsAddressApp;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.NetworkNamespace;
import io.imdsguard.it.support.Reports;
import io.imdsguard.it.support.RequiredTool;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The production path, with no endpoint override: the demo and its mock on IMDS's real addresses,
 * inside a network namespace this test makes and that holds only loopback. Skipped, never run
 * elsewhere, where such a namespace cannot be made (and failed under CI=true, see {@link
 * RequiredTool}).
 */
class LiteralImdsAddressIT {

    /** A name no DNS knows, which only the hosts file given to the application JVM resolves. */
    private static final String IMDS_NAME = "instance-data.internal.example";

    @BeforeAll
    static void requireNamespace() {
        String reason = NetworkNamespace.unavailableReason();
        RequiredTool.require(
                reason == null, "no loopback-only network namespace here (" + reason + ")");
    }

    @ParameterizedTest(name = "mock IMDS on {0}")
    @ValueSource(strings = {"169.254.169.254:80", "[fd00:ec2::254]:80"})
    void callsToTheRealImdsAddressAreReportedWithoutAnyOverride(String address, @TempDir Path dir)
            throws Exception {
        Path report = dir.resolve("report.json");
        JvmResult run =
                AppJvm.demoJar("--mock-bind", address)
                        .withAgent("report=" + report)
                        .withoutEnv("AWS_EC2_METADATA_SERVICE_ENDPOINT")
                        .wrappedIn(NetworkNamespace.withImdsAddressesOnLoopback())
                        .run();

        assertEquals(0, run.exitCode(), run.describe());
        String host = address.substring(0, address.lastIndexOf(':'));
        assertTrue(
                run.stdout().contains("embedded mock IMDS at http://" + host + " "), run.stdout());
        JsonNode json = Reports.read(report);
        Set<String> sites =
                Reports.callSites(json).stream()
                        .map(
                                s ->
                                        s.get("site")
                                                .asText()
                                                .substring(0, s.get("site").asText().indexOf('(')))
                        .collect(Collectors.toSet());
        assertEquals(
                Set.of(
                        "io.imdsguard.demo.legacy.LegacyInstanceInfo.instanceId",
                        "io.imdsguard.demo.legacy.LegacyRegionLookup.region",
                        "io.imdsguard.demo.legacy.LegacyCredentialsFetcher.get",
                        "io.imdsguard.demo.legacy.AsyncIdentityDocument.accountId"),
                sites);
        assertEquals(5, json.get("totals").get("v1").asLong());
        assertEquals(2, json.get("totals").get("v2").asLong());
        assertEquals(1, json.get("totals").get("token").asLong());
    }

    /**
     * A DNS name that resolves to IMDS's address, with no endpoint override: here the JVM's hosts
     * file ({@code -Djdk.net.hosts.file}) maps it to 169.254.169.254, as an A record could on an
     * instance. No client hook knows the name; the connection's address gives it away. Reported as
     * a v1 call with the application's call site, never served under enforce.
     */
    @ParameterizedTest(name = "{0}, mode={1}")
    @MethodSource("clientsAndModes")
    void aNameThatResolvesToTheImdsAddressIsJudgedByItsConnection(
            String client, String mode, @TempDir Path dir) throws Exception {
        AppJava.assumeAtLeast(9, "the hosts file property jdk.net.hosts.file");
        Path hosts = Files.writeString(dir.resolve("hosts"), "169.254.169.254 " + IMDS_NAME + "\n");
        Path report = dir.resolve("report.json");
        JvmResult run =
                AppJvm.mainClass(
                                ImdsOnItsAddressApp.class,
                                client,
                                "http://" + IMDS_NAME + "/latest/meta-data/instance-id")
                        .systemProperty("jdk.net.hosts.file", hosts.toString())
                        .withAgent("mode=" + mode + ",report=" + report)
                        .withoutEnv("AWS_EC2_METADATA_SERVICE_ENDPOINT")
                        .wrappedIn(NetworkNamespace.withImdsAddressesOnLoopback())
                        .run();

        assertEquals(0, run.exitCode(), run.describe());
        String answer =
                run.stdoutLines().stream()
                        .filter(l -> l.startsWith(client + ": "))
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(run.describe()));
        JsonNode totals = Reports.read(report).get("totals");
        boolean nio = client.equals("jdk");
        if (mode.equals("report")) {
            assertEquals(client + ": 200 i-0123456789abcdef0", answer, run.describe());
            assertTrue(run.stdoutLines().contains("imds received: v1=1 total=1"), run.stdout());
            assertEquals(1, totals.get("v1").asLong(), totals.toString());
        } else if (nio) {
            // java.net.http writes through an NIO channel: the write fails, and it retries a GET
            // once.
            assertTrue(answer.startsWith("jdk: FAILED java.io.IOException"), run.describe());
            assertTrue(run.stdoutLines().contains("imds received: v1=0 total=0"), run.stdout());
            assertTrue(totals.get("v1").asLong() >= 1, totals.toString());
            assertEquals(
                    totals.get("v1").asLong(), totals.get("blocked").asLong(), totals.toString());
        } else {
            assertEquals(
                    client + ": 401 -",
                    answer,
                    "refused as HttpTokens=required refuses it:\n" + run.describe());
            assertTrue(run.stdoutLines().contains("imds received: v1=0 total=1"), run.stdout());
            assertEquals(1, totals.get("blocked").asLong(), totals.toString());
        }
        if (!nio) {
            JsonNode site =
                    Reports.siteStartingWith(
                            Reports.read(report), IndirectRequestsApp.class.getName() + ".");
            assertEquals(1, site.get("count").asLong(), site.toString());
            assertEquals(
                    1,
                    site.get("actions")
                            .get(mode.equals("report") ? "observed" : "blocked")
                            .asLong(),
                    site.toString());
        }
    }

    static Stream<Arguments> clientsAndModes() {
        return Stream.of("huc", "okhttp", "apache4", "jdk")
                .flatMap(
                        client ->
                                Stream.of("report", "enforce")
                                        .map(mode -> Arguments.of(client, mode)));
    }
}
