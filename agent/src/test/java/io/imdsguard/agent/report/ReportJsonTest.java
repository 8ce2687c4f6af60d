package io.imdsguard.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.agent.callsite.CallSiteRegistry;
import io.imdsguard.agent.callsite.CallSiteRegistryTest;
import io.imdsguard.agent.callsite.RequestTotals;
import io.imdsguard.agent.check.JsonReader;
import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.detect.ImdsVersion;
import io.imdsguard.agent.diagnose.DiagnosisFixtures;
import io.imdsguard.agent.diagnose.DiagnosisRegistry;
import io.imdsguard.agent.environment.RuntimeInfo;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.log.Sanitizer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportJsonTest {

    private static final String ISO_INSTANT = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z";

    private static final String SCRIPT_PATH = "/latest/meta-data/<script>alert(1)</script>";
    private static final String ENCODED_CRLF_PATH =
            "/latest/meta-data/iam/security-credentials/%0d%0aSet-Cookie:%20x";
    private static final String RAW_CRLF_PATH =
            "/latest/meta-data/\r\n{\"forged\": true}\u2028\"\\";

    private static RuntimeInfo runtime() {
        return new RuntimeInfo(
                "billing</script>\"",
                4242L,
                "ip-10-0-0-1",
                "Eclipse Adoptium 17.0.15+6",
                "0.1.0-test",
                1_700_000_000_000L);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> parseObject(String json) {
        Object parsed;
        try {
            parsed = JsonReader.parse(json);
        } catch (JsonReader.SyntaxException e) {
            throw new AssertionError("not JSON: " + e.getMessage() + "\n" + json);
        }
        assertTrue(parsed instanceof Map, "the report is a JSON object");
        return (Map<String, Object>) parsed;
    }

    @Test
    void anEmptyReportIsValidJsonWithTheSchemaFields() {
        String json =
                ReportJson.render(
                        runtime(),
                        "report",
                        new RequestTotals(),
                        new CallSiteRegistry(),
                        1_700_000_060_000L);
        Map<String, Object> report = parseObject(json);
        assertEquals(
                new HashSet<String>(
                        Arrays.asList(
                                "schema",
                                "schemaVersion",
                                "agentVersion",
                                "service",
                                "host",
                                "pid",
                                "container",
                                "pod",
                                "namespace",
                                "jvm",
                                "mode",
                                "startedAt",
                                "writtenAt",
                                "totals",
                                "diagnoses",
                                "otherCloudCalls",
                                "callSites")),
                report.keySet());
        assertEquals(
                Arrays.asList(),
                report.get("otherCloudCalls"),
                "an empty array when no other cloud was probed");
        assertEquals(
                Arrays.asList(),
                report.get("diagnoses"),
                "an empty array when nothing was diagnosed");
        assertTrue(
                report.containsKey("container") && report.get("container") == null,
                "null outside a container");
        assertEquals(null, report.get("pod"));
        assertEquals(null, report.get("namespace"));
        assertEquals("imds-guard-report", report.get("schema"));
        assertEquals((long) ReportJson.SCHEMA_VERSION, report.get("schemaVersion"));
        assertEquals("0.1.0-test", report.get("agentVersion"));
        assertEquals("billing</script>\"", report.get("service"));
        assertEquals("ip-10-0-0-1", report.get("host"));
        assertEquals(4242L, report.get("pid"));
        assertEquals("report", report.get("mode"));
        assertEquals("2023-11-14T22:13:20.000Z", report.get("startedAt"));
        assertEquals("2023-11-14T22:14:20.000Z", report.get("writtenAt"));
        Map<?, ?> totals = (Map<?, ?>) report.get("totals");
        for (String key :
                new String[] {
                    "v1",
                    "v2",
                    "token",
                    "otherCloud",
                    "unparsed",
                    "v1CallSites",
                    "v1Unattributed",
                    "rewritten",
                    "rewriteDenied",
                    "rewriteFailed",
                    "blocked"
                }) {
            assertEquals(0L, totals.get(key), key);
        }
        assertEquals(11, totals.size());
        assertEquals(java.util.Collections.emptyList(), report.get("callSites"));
        assertFalse(json.contains("<"), "no raw '<' even from the service name: " + json);
    }

    @Test
    void callSitesWithHostilePathsAreEscapedAndTheReportStaysValid() {
        CallSiteRegistry registry = new CallSiteRegistry();
        RequestTotals totals = new RequestTotals();
        String[] paths = {SCRIPT_PATH, ENCODED_CRLF_PATH, RAW_CRLF_PATH};
        for (int i = 0; i < paths.length; i++) {
            ImdsRequest request =
                    new ImdsRequest("HttpURLConnection", "GET", paths[i], false, false);
            for (int n = 0; n <= i; n++) {
                registry.record(
                        request,
                        CallSiteRegistryTest.at("com.acme.Evil<" + i + ">", "call", 10 + i),
                        "thread<" + i + ">\n",
                        1_700_000_000_000L + n);
                totals.add(ImdsVersion.V1, io.imdsguard.agent.policy.Action.OBSERVED);
            }
        }
        totals.add(ImdsVersion.V2, io.imdsguard.agent.policy.Action.OBSERVED);
        totals.add(ImdsVersion.TOKEN, io.imdsguard.agent.policy.Action.OBSERVED);
        totals.add(ImdsVersion.TOKEN, io.imdsguard.agent.policy.Action.OBSERVED);

        String json = ReportJson.render(runtime(), "report", totals, registry, 1_700_000_100_000L);
        assertFalse(json.contains("<"), "no raw '<': " + json);
        assertFalse(json.contains(">"), "no raw '>': " + json);
        assertFalse(json.contains("\r"), "no raw CR");
        assertFalse(json.contains("\u2028"), "no raw line separator");
        assertTrue(json.contains("%0d%0a"), "percent-encoding is reported as sent, not decoded");

        Map<String, Object> report = parseObject(json);
        Map<?, ?> totalsJson = (Map<?, ?>) report.get("totals");
        assertEquals(6L, totalsJson.get("v1"));
        assertEquals(1L, totalsJson.get("v2"));
        assertEquals(2L, totalsJson.get("token"));
        assertEquals(3L, totalsJson.get("v1CallSites"));
        assertEquals(0L, totalsJson.get("v1Unattributed"));

        List<?> sites = (List<?>) report.get("callSites");
        assertEquals(3, sites.size());
        // busiest first: the raw CR/LF site was recorded three times
        Map<?, ?> crlf = (Map<?, ?>) sites.get(0);
        Map<?, ?> encoded = (Map<?, ?>) sites.get(1);
        Map<?, ?> script = (Map<?, ?>) sites.get(2);
        assertEquals(
                new HashSet<String>(
                        Arrays.asList(
                                "id",
                                "client",
                                "method",
                                "pathCategory",
                                "examplePath",
                                "site",
                                "applicationFrame",
                                "library",
                                "archive",
                                "coordinates",
                                "coordinatesFrom",
                                "remediation",
                                "thread",
                                "count",
                                "actions",
                                "lastReason",
                                "firstSeen",
                                "lastSeen",
                                "stack")),
                crlf.keySet());
        assertTrue(
                crlf.containsKey("archive") && crlf.get("archive") == null,
                "null when the site's class is not known (a trace without classes)");

        // the JSON carries the sanitised path: readable, and no line break once decoded either
        assertEquals(Sanitizer.path(RAW_CRLF_PATH), crlf.get("examplePath"));
        assertFalse(((String) crlf.get("examplePath")).contains("\n"));
        assertEquals(ENCODED_CRLF_PATH, encoded.get("examplePath"));
        assertEquals(
                SCRIPT_PATH,
                script.get("examplePath"),
                "decoded, the path is exactly what was sent");

        assertEquals(3L, crlf.get("count"));
        assertEquals(2L, encoded.get("count"));
        assertEquals(1L, script.get("count"));
        assertEquals("credentials", encoded.get("pathCategory"));
        assertEquals("meta-data", script.get("pathCategory"));
        assertEquals("thread<0>\\n", script.get("thread"));
        assertEquals("HttpURLConnection", script.get("client"));
        assertEquals("GET", script.get("method"));
        assertEquals("com.acme.Evil<0>.call(Evil<0>.java:10)", script.get("site"));
        assertEquals(
                Arrays.asList(
                        "com.acme.Evil<0>.call(Evil<0>.java:10)",
                        "com.acme.Main.main(Main.java:3)"),
                script.get("stack"));
        assertTrue(((String) script.get("id")).matches("[0-9a-f]{8}"));
        assertEquals("2023-11-14T22:13:20.000Z", crlf.get("firstSeen"));
        assertEquals("2023-11-14T22:13:20.002Z", crlf.get("lastSeen"));
        for (Object site : sites) {
            assertTrue(((String) ((Map<?, ?>) site).get("firstSeen")).matches(ISO_INSTANT));
            assertTrue(((String) ((Map<?, ?>) site).get("lastSeen")).matches(ISO_INSTANT));
        }
    }

    @Test
    void containerPodAndNamespaceAreWrittenWhenKnown() {
        String id = "3f9b0a1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f90";
        RuntimeInfo inPod =
                new RuntimeInfo(
                        "billing",
                        1L,
                        "billing-1",
                        "jvm",
                        "v",
                        0L,
                        id,
                        "billing-1</script>",
                        "prod");
        Map<String, Object> report =
                parseObject(
                        ReportJson.render(
                                inPod, "report", new RequestTotals(), new CallSiteRegistry(), 1L));
        assertEquals(id, report.get("container"));
        assertEquals("billing-1</script>", report.get("pod"));
        assertEquals("prod", report.get("namespace"));
    }

    @Test
    void unattributedCallsOfAFullRegistryAreReported() {
        CallSiteRegistry registry = new CallSiteRegistry();
        ImdsRequest request =
                new ImdsRequest("HttpURLConnection", "GET", "/latest/meta-data/", false, false);
        for (int i = 0; i <= CallSiteRegistry.MAX_SITES + 1; i++) {
            registry.record(request, CallSiteRegistryTest.at("com.acme.Gen", "m" + i, i), "t", 1L);
        }
        Map<String, Object> report =
                parseObject(
                        ReportJson.render(runtime(), "report", new RequestTotals(), registry, 2L));
        Map<?, ?> totals = (Map<?, ?>) report.get("totals");
        assertEquals((long) CallSiteRegistry.MAX_SITES, totals.get("v1CallSites"));
        assertEquals(2L, totals.get("v1Unattributed"));
        assertEquals(CallSiteRegistry.MAX_SITES, ((List<?>) report.get("callSites")).size());
    }

    @Test
    @SuppressWarnings("unchecked")
    void eachDiagnosisIsAnEntryWithItsSiteCountsAndAdvice(@TempDir Path dir) {
        DiagnosisRegistry diagnoses =
                DiagnosisFixtures.hopLimitAndChurn(
                        AgentLog.open(dir.resolve("log").toString(), false), 1_700_000_030_000L);
        Map<String, Object> report =
                parseObject(
                        ReportJson.render(
                                runtime(),
                                "report",
                                new RequestTotals(),
                                new CallSiteRegistry(),
                                diagnoses,
                                1_700_000_060_000L));
        List<Object> entries = (List<Object>) report.get("diagnoses");
        assertEquals(2, entries.size(), entries.toString());

        Map<String, Object> churn = (Map<String, Object>) entries.get(0);
        assertEquals("token-churn", churn.get("kind"), "the most frequent first: " + entries);
        assertEquals("com.acme.ImdsReader.token(ImdsReader.java:20)", churn.get("site"));
        assertEquals("java.net.http.HttpClient", churn.get("client"));
        assertEquals(6L, churn.get("count"));
        assertEquals(6L, churn.get("tokens"));
        assertEquals(6L, churn.get("reads"));
        assertEquals(1.0, ((Number) churn.get("tokensPerRead")).doubleValue(), 1e-9);
        assertEquals(null, churn.get("failure"));
        assertTrue(
                ((String) churn.get("advice")).startsWith("reuse the IMDSv2 token"),
                churn.toString());
        assertTrue(((String) churn.get("firstSeen")).matches(ISO_INSTANT), churn.toString());

        Map<String, Object> hop = (Map<String, Object>) entries.get(1);
        assertEquals(
                new HashSet<String>(
                        Arrays.asList(
                                "kind",
                                "site",
                                "client",
                                "count",
                                "failure",
                                "tokens",
                                "reads",
                                "tokensPerRead",
                                "advice",
                                "firstSeen",
                                "lastSeen")),
                hop.keySet());
        assertEquals("hop-limit", hop.get("kind"));
        assertEquals(
                "com.amazonaws.internal.ConnectionUtils.connectToEndpoint(ConnectionUtils.java:71)",
                hop.get("site"));
        assertEquals(2L, hop.get("count"));
        assertEquals("timeout", hop.get("failure"));
        assertEquals(2L, hop.get("tokens"));
        assertEquals(0L, hop.get("reads"));
        assertEquals(null, hop.get("tokensPerRead"));
        assertTrue(
                ((String) hop.get("advice")).contains("--http-put-response-hop-limit 2"),
                hop.toString());
    }
}
