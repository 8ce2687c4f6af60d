package io.imdsguard.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.NetworkNamespace;
import io.imdsguard.it.support.RequiredTool;
import io.imdsguard.it.support.Reports;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The production path, with no endpoint override: the demo and its mock on IMDS's real addresses,
 * inside a network namespace this test makes and that holds only loopback. Skipped, never run
 * elsewhere, where such a namespace cannot be made (and failed under CI=true, see {@link RequiredTool}).
 */
class LiteralImdsAddressIT {

    @BeforeAll
    static void requireNamespace() {
        String reason = NetworkNamespace.unavailableReason();
        RequiredTool.require(reason == null, "no loopback-only network namespace here (" + reason + ")");
    }

    @ParameterizedTest(name = "mock IMDS on {0}")
    @ValueSource(strings = {"169.254.169.254:80", "[fd00:ec2::254]:80"})
    void callsToTheRealImdsAddressAreReportedWithoutAnyOverride(String address, @TempDir Path dir) throws Exception {
        Path report = dir.resolve("report.json");
        JvmResult run = AppJvm.demoJar("--mock-bind", address)
                .withAgent("report=" + report)
                .withoutEnv("AWS_EC2_METADATA_SERVICE_ENDPOINT")
                .wrappedIn(NetworkNamespace.withImdsAddressesOnLoopback())
                .run();

        assertEquals(0, run.exitCode(), run.describe());
        String host = address.substring(0, address.lastIndexOf(':'));
        assertTrue(run.stdout().contains("embedded mock IMDS at http://" + host + " "), run.stdout());
        JsonNode json = Reports.read(report);
        Set<String> sites = Reports.callSites(json).stream()
                .map(s -> s.get("site").asText().substring(0, s.get("site").asText().indexOf('(')))
                .collect(Collectors.toSet());
        assertEquals(Set.of("io.imdsguard.demo.legacy.LegacyInstanceInfo.instanceId",
                "io.imdsguard.demo.legacy.LegacyRegionLookup.region",
                "io.imdsguard.demo.legacy.LegacyCredentialsFetcher.get",
                "io.imdsguard.demo.legacy.AsyncIdentityDocument.accountId"), sites);
        assertEquals(5, json.get("totals").get("v1").asLong());
        assertEquals(2, json.get("totals").get("v2").asLong());
        assertEquals(1, json.get("totals").get("token").asLong());
    }
}
