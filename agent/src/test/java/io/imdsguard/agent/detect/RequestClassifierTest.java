package io.imdsguard.agent.detect;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RequestClassifierTest {

    private static ImdsVersion classify(String method, String path, boolean token) {
        return RequestClassifier.classify(new ImdsRequest("HttpURLConnection", method, path, token, false));
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
        assertEquals(ImdsVersion.V1, classify("GET", "/latest/meta-data/iam/security-credentials/role", false));
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
}
