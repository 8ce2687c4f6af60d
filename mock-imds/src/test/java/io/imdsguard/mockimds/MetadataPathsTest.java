package io.imdsguard.mockimds;

import static io.imdsguard.mockimds.ImdsTestClient.jsonString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What the mock serves, read the v2 way so the tests also exercise the usual client path. */
class MetadataPathsTest {

    private MockImds imds;
    private ImdsTestClient client;
    private String token;

    @BeforeEach
    void start() throws Exception {
        imds = MockImds.builder().start();
        client = new ImdsTestClient(imds);
        token = client.token();
    }

    @AfterEach
    void stop() {
        imds.close();
    }

    private HttpResponse<String> read(String path) throws Exception {
        return client.getWithToken(path, token);
    }

    @Test
    void metaDataListingHasOneEntryPerLineWithDirectoriesSlashed() throws Exception {
        HttpResponse<String> r = read("/latest/meta-data/");

        assertEquals(200, r.statusCode());
        assertEquals(
                "ami-id\nhostname\niam/\ninstance-id\ninstance-type\nlocal-ipv4\nmac\nplacement/\nsecurity-groups",
                r.body());
    }

    @ParameterizedTest
    @CsvSource({
        "/latest/meta-data/instance-id, i-0123456789abcdef0",
        "/latest/meta-data/ami-id, ami-0abcdef1234567890",
        "/latest/meta-data/instance-type, t3.micro",
        "/latest/meta-data/local-ipv4, 10.0.0.12",
        "/latest/meta-data/hostname, ip-10-0-0-12.eu-west-1.compute.internal",
        "/latest/meta-data/placement/availability-zone, eu-west-1a",
        "/latest/meta-data/placement/region, eu-west-1",
        "/latest/meta-data/iam/security-credentials/, demo-app-role",
        "/latest/meta-data/iam/security-credentials, demo-app-role",
        "/2021-03-23/meta-data/instance-id, i-0123456789abcdef0",
        "/latest/dynamic/instance-identity/, document",
    })
    void leavesAndListingsHaveTheirValues(String path, String expected) throws Exception {
        HttpResponse<String> r = read(path);

        assertEquals(200, r.statusCode(), path);
        assertEquals(expected, r.body(), path);
        assertTrue(
                r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"), path);
    }

    @Test
    void macAndSecurityGroupsArePresent() throws Exception {
        assertTrue(read("/latest/meta-data/mac").body().matches("([0-9a-f]{2}:){5}[0-9a-f]{2}"));
        assertFalse(read("/latest/meta-data/security-groups").body().isEmpty());
    }

    @Test
    void placementAndIamListings() throws Exception {
        assertEquals("availability-zone\nregion", read("/latest/meta-data/placement/").body());
        assertEquals("info\nsecurity-credentials/", read("/latest/meta-data/iam/").body());
    }

    @Test
    void credentialsJsonHasTheFieldsSdksRead() throws Exception {
        HttpResponse<String> r = read("/latest/meta-data/iam/security-credentials/demo-app-role");

        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        String json = r.body();
        assertEquals("Success", jsonString(json, "Code"));
        assertEquals("AWS-HMAC", jsonString(json, "Type"));
        assertTrue(jsonString(json, "AccessKeyId").matches("ASIA[A-Z2-7]{16}"), json);
        assertNotNull(jsonString(json, "SecretAccessKey"));
        assertNotNull(jsonString(json, "Token"));
        Instant lastUpdated = Instant.parse(jsonString(json, "LastUpdated"));
        Instant expiration = Instant.parse(jsonString(json, "Expiration"));
        assertEquals(Duration.ofHours(1), Duration.between(lastUpdated, expiration));
        assertTrue(
                Duration.between(Instant.now(), expiration).compareTo(Duration.ofMinutes(59)) > 0);
    }

    @Test
    void unknownRoleIs404() throws Exception {
        assertEquals(
                404, read("/latest/meta-data/iam/security-credentials/other-role").statusCode());
    }

    @Test
    void iamInfoNamesTheInstanceProfile() throws Exception {
        String json = read("/latest/meta-data/iam/info").body();

        assertEquals("Success", jsonString(json, "Code"));
        assertEquals(
                "arn:aws:iam::123456789012:instance-profile/demo-app-role",
                jsonString(json, "InstanceProfileArn"));
        assertNotNull(jsonString(json, "InstanceProfileId"));
        assertNotNull(jsonString(json, "LastUpdated"));
    }

    @Test
    void identityDocument() throws Exception {
        String json = read("/latest/dynamic/instance-identity/document").body();

        assertEquals("123456789012", jsonString(json, "accountId"));
        assertEquals("eu-west-1", jsonString(json, "region"));
        assertEquals("eu-west-1a", jsonString(json, "availabilityZone"));
        assertEquals("i-0123456789abcdef0", jsonString(json, "instanceId"));
        assertEquals("t3.micro", jsonString(json, "instanceType"));
        assertEquals("ami-0abcdef1234567890", jsonString(json, "imageId"));
        assertEquals("10.0.0.12", jsonString(json, "privateIp"));
        assertEquals("2017-09-30", jsonString(json, "version"));
        assertNotNull(jsonString(json, "architecture"));
        Instant.parse(jsonString(json, "pendingTime"));
    }

    @Test
    void userDataIs404WhenAbsent() throws Exception {
        assertEquals(404, read("/latest/user-data").statusCode());
    }

    @Test
    void userDataIsOctetStreamWhenPresent() throws Exception {
        try (MockImds withData = MockImds.builder().userData("#!/bin/sh\necho hi\n").start()) {
            HttpResponse<String> r = new ImdsTestClient(withData).get("/latest/user-data");

            assertEquals(200, r.statusCode());
            assertEquals("#!/bin/sh\necho hi\n", r.body());
            assertEquals(
                    "application/octet-stream",
                    r.headers().firstValue("Content-Type").orElse(null));
        }
    }

    @ParameterizedTest
    @CsvSource({
        "/latest/meta-data/nope",
        "/latest/nope",
        "/nope",
        "/latest/meta-data/instance-id/extra",
        "/latest/api/tokens"
    })
    void unknownPathIs404(String path) throws Exception {
        assertEquals(404, read(path).statusCode(), path);
        assertEquals(404, client.get(path).statusCode(), "v1 too: " + path);
    }

    @Test
    void rootListings() throws Exception {
        assertTrue(read("/").body().lines().anyMatch("latest"::equals));
        assertEquals("dynamic\nmeta-data", read("/latest/").body());
    }

    @Test
    void builderSettingsShowInMetadata() throws Exception {
        try (MockImds custom =
                MockImds.builder()
                        .instanceId("i-0fedcba9876543210")
                        .region("us-west-2")
                        .roleName("other-role")
                        .start()) {
            ImdsTestClient c = new ImdsTestClient(custom);

            assertEquals("i-0fedcba9876543210", c.get("/latest/meta-data/instance-id").body());
            assertEquals(
                    "us-west-2a", c.get("/latest/meta-data/placement/availability-zone").body());
            assertEquals(
                    "ip-10-0-0-12.us-west-2.compute.internal",
                    c.get("/latest/meta-data/hostname").body());
            assertEquals("other-role", c.get("/latest/meta-data/iam/security-credentials/").body());
            assertEquals(
                    200,
                    c.get("/latest/meta-data/iam/security-credentials/other-role").statusCode());
        }
    }

    @Test
    void noRoleMeansNoIamItems() throws Exception {
        try (MockImds noRole = MockImds.builder().roleName(null).start()) {
            ImdsTestClient c = new ImdsTestClient(noRole);

            assertFalse(c.get("/latest/meta-data/").body().contains("iam/"));
            assertEquals(404, c.get("/latest/meta-data/iam/security-credentials/").statusCode());
        }
    }
}
