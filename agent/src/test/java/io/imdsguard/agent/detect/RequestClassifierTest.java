package io.imdsguard.agent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class RequestClassifierTest {

    private static ImdsVersion classify(String method, String path, boolean token) {
        return RequestClassifier.classify(
                new ImdsRequest("HttpURLConnection", method, path, token, false));
    }

    @Test
    void aPutToTheTokenPathStartsAV2Session() {
        assertEquals(ImdsVersion.TOKEN, classify("PUT", "/latest/api/token", false));
        assertEquals(ImdsVersion.TOKEN, classify("put", "/latest/api/token", false));
        assertEquals(ImdsVersion.TOKEN, classify("PUT", "/2021-03-23/api/token", false));
        assertEquals(ImdsVersion.TOKEN, classify("PUT", "/latest/api/token?x=1", false));
        assertEquals(ImdsVersion.TOKEN, classify("PUT", "/latest/api/token", true));
    }

    @Test
    void anyRequestCarryingATokenIsV2() {
        assertEquals(ImdsVersion.V2, classify("GET", "/latest/meta-data/instance-id", true));
        assertEquals(ImdsVersion.V2, classify("HEAD", "/latest/meta-data/", true));
        assertEquals(ImdsVersion.V2, classify("GET", "/latest/api/token", true));
        assertEquals(ImdsVersion.V2, classify("GET", "/nonsense", true));
    }

    @Test
    void everyOtherRequestToImdsIsV1() {
        assertEquals(ImdsVersion.V1, classify("GET", "/latest/meta-data/instance-id", false));
        assertEquals(
                ImdsVersion.V1,
                classify("GET", "/latest/meta-data/iam/security-credentials/role", false));
        assertEquals(ImdsVersion.V1, classify("HEAD", "/latest/meta-data/", false));
        // a GET on the token path is not a token request (IMDS answers 405): no token, so v1
        assertEquals(ImdsVersion.V1, classify("GET", "/latest/api/token", false));
        assertEquals(ImdsVersion.V1, classify("PUT", "/latest/meta-data/api/token", false));
        assertEquals(ImdsVersion.V1, classify("PUT", "/latest/api/tokens", false));
        assertEquals(ImdsVersion.V1, classify("GET", "/", false));
        // null method and path are read as GET /
        ImdsRequest bare = new ImdsRequest("HttpURLConnection", null, null, false, false);
        assertEquals("GET", bare.method());
        assertEquals("/", bare.path());
        assertEquals(ImdsVersion.V1, RequestClassifier.classify(bare));
    }

    @Test
    void pathCategoriesAreBoundedLabelsOfTheImdsPath() {
        String[][] cases = {
            {"/latest/api/token", "token"},
            {"/2021-03-23/api/token", "token"},
            {"/latest/meta-data/iam/security-credentials/", "credentials"},
            {"/latest/meta-data/iam/security-credentials/my-role", "credentials"},
            {"/latest/meta-data/iam/info", "credentials"},
            {"/latest/meta-data/iam", "credentials"},
            {"/latest/meta-data/", "meta-data"},
            {"/latest/meta-data", "meta-data"},
            {"/latest/meta-data/instance-id", "meta-data"},
            {"/latest/meta-data/placement/region?x=iam/", "meta-data"},
            {"/2009-04-04/meta-data/ami-id", "meta-data"},
            {"/latest/dynamic/instance-identity/document", "identity"},
            {"/latest/dynamic/instance-identity/signature", "identity"},
            {"/latest/user-data", "user-data"},
            {"/latest/user-data/", "user-data"},
            {"/latest/dynamic/fws/instance-monitoring", "other"},
            {"/", "other"},
            {"", "other"},
            {"/latest", "other"},
            {"/favicon.ico", "other"},
            {"/latest/<script>alert(1)</script>", "other"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], PathCategory.of(c[0]).tag(), c[0]);
        }
        assertEquals(PathCategory.OTHER, PathCategory.of(null));
    }

    @Test
    void otherCloudsMetadataRequestsAreTheirOwnCategoryNamingTheCloud() {
        String[][] probes = {
            {"/metadata/instance?api-version=2021-02-01", "azure"},
            {"/metadata/identity/oauth2/token?resource=x", "azure"},
            {"/metadata", "azure"},
            {"/computeMetadata/v1/instance/id", "google"},
            {"/computeMetadata/v1/?recursive=true", "google"},
            {"/opc/v2/instance/", "oracle"},
            {"/openstack/latest/meta_data.json", "openstack"},
        };
        for (String[] probe : probes) {
            assertEquals(ImdsVersion.OTHER_CLOUD, classify("GET", probe[0], false), probe[0]);
            assertEquals(
                    ImdsVersion.OTHER_CLOUD,
                    classify("GET", probe[0], true),
                    "even with a token: " + probe[0]);
            assertEquals(probe[1], PathCategory.of(probe[0]).tag(), probe[0]);
            assertEquals(probe[1], OtherCloud.of(probe[0]).tag(), probe[0]);
        }
    }

    @Test
    void awsOwnPathsStayAwsCallsDatedAndRootIncluded() {
        String[] aws = {
            "/",
            "/latest/meta-data/instance-id",
            "/2021-07-15/meta-data/instance-id",
            "/1.0/meta-data/",
            "/2009-04-04/user-data",
            "/latest/dynamic/instance-identity/document",
            "/nonsense",
            // near misses of other clouds' prefixes
            "/metadatax/instance",
            "/computemetadata/v1/",
            "/opcx/",
            "/latest/metadata/instance",
            // dot segments or encodings could resolve to an AWS path: never another cloud's
            "/metadata/../latest/meta-data/iam/security-credentials/",
            "/computeMetadata/./../latest/user-data",
            "/metadata/%2e%2e/latest/meta-data/",
            "/opc/..",
            "/openstack\\..\\latest/meta-data"
        };
        for (String path : aws) {
            assertEquals(ImdsVersion.V1, classify("GET", path, false), path);
            assertNull(OtherCloud.of(path), path);
        }
        assertEquals(ImdsVersion.TOKEN, classify("PUT", "/latest/api/token", false));
    }
}
