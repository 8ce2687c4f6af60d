package io.imdsguard.agent.check;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class CheckCommandTest {

    @TempDir Path dir;

    private String stdout;
    private String stderr;

    private int check(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                new CheckCommand()
                        .run(
                                Arrays.asList(args),
                                new PrintStream(out, true),
                                new PrintStream(err, true));
        stdout = new String(out.toByteArray(), StandardCharsets.UTF_8);
        stderr = new String(err.toByteArray(), StandardCharsets.UTF_8);
        return code;
    }

    private static String[] args(Object... parts) {
        List<String> list = new ArrayList<String>();
        for (Object part : parts) {
            list.add(part.toString());
        }
        return list.toArray(new String[0]);
    }

    @Test
    void aV1CallSiteMakesItNotReadyAndIsListedUnderItsService() throws Exception {
        Path report = Reports.write(dir, "billing.json", Reports.v1Report("billing", 41, 5));
        assertEquals(1, check(report.toString()), stdout + stderr);
        assertTrue(
                stdout.startsWith("NOT READY: 1 IMDSv1 call site(s) in 1 of 1 service(s)"), stdout);
        assertTrue(
                stdout.contains(
                        "service billing: 1 IMDSv1 call site(s), 5 v1 call(s); 1 JVM(s): pid 41 on "
                                + "ip-10-0-0-41 (pod prod/billing-41) mode report"),
                stdout);
        assertTrue(
                stdout.contains(
                        "  v1 call site com.acme.legacy.Info.instanceId(Info.java:23)\n"
                                + "      service=billing count=5 client=HttpURLConnection method=GET actions=observed:5 "
                                + "path=/latest/meta-data/instance-id site-id=24353b36 jvms=1\n"),
                stdout);
        assertTrue(
                stdout.contains(
                        "totals: 1 report(s), 1 service(s); 5 v1 call(s) from 1 call site(s) (0 blocked,"),
                stdout);
        assertTrue(stdout.contains("\nsummary: NOT READY"), stdout);
        assertFalse(
                stdout.contains("archive="),
                "a report without the archive fields is read as before: " + stdout);
        assertEquals("", stderr);
    }

    @Test
    void aSitesArchiveCoordinatesAndFixAreShownInTextHtmlAndJunit() throws Exception {
        String sdk =
                Reports.site(
                        "5e1f00aa",
                        "com.amazonaws.util.EC2MetadataUtils.getItems(EC2MetadataUtils.java:402)",
                        "HttpURLConnection",
                        3,
                        "{\"observed\": 3}",
                        "/latest/meta-data/instance-id");
        sdk =
                sdk.substring(0, sdk.length() - 1)
                        + ", \"archive\": \"/app/lib/aws-java-sdk-core-1.11.500.jar\", "
                        + "\"coordinates\": \"com.amazonaws:aws-java-sdk-core:1.11.500\", \"coordinatesFrom\": "
                        + "\"pom.properties\", \"remediation\": \"upgrade com.amazonaws:aws-java-sdk-core 1.11.500 -> >= "
                        + "1.11.678<script>\"}";
        Path report =
                Reports.write(
                        dir,
                        "billing.json",
                        Reports.report("billing", 41, "report", 3, 0, sdk, ""));
        Path html = dir.resolve("r.html");

        assertEquals(1, check("--html", html.toString(), report.toString()), stdout + stderr);

        assertTrue(
                stdout.contains(
                        "site-id=5e1f00aa jvms=1\n"
                                + "      archive=/app/lib/aws-java-sdk-core-1.11.500.jar coordinates=com.amazonaws:aws-java-sdk-core:"
                                + "1.11.500 (from pom.properties)\n"
                                + "      fix: upgrade com.amazonaws:aws-java-sdk-core 1.11.500 -> >= 1.11.678<script>\n"),
                stdout);
        String page = new String(Files.readAllBytes(html), StandardCharsets.UTF_8);
        assertTrue(
                page.contains(
                        "archive <code>/app/lib/aws-java-sdk-core-1.11.500.jar</code> coordinates <code>"
                                + "com.amazonaws:aws-java-sdk-core:1.11.500</code> (from pom.properties)<br>fix: upgrade "
                                + "com.amazonaws:aws-java-sdk-core 1.11.500 -&gt; &gt;= 1.11.678&lt;script&gt;"),
                page);
        assertFalse(page.toLowerCase(java.util.Locale.ROOT).contains("<script"), page);

        Path junit = dir.resolve("r.xml");
        assertEquals(
                1,
                check("--format", "junit", "--output", junit.toString(), report.toString()),
                stdout + stderr);
        String xml = new String(Files.readAllBytes(junit), StandardCharsets.UTF_8);
        assertTrue(
                xml.contains(
                        "\nsite-id: 5e1f00aa\narchive: /app/lib/aws-java-sdk-core-1.11.500.jar"
                                + "\ncoordinates: com.amazonaws:aws-java-sdk-core:1.11.500 (from pom.properties)"
                                + "\nfix: upgrade com.amazonaws:aws-java-sdk-core 1.11.500 -&gt; &gt;= 1.11.678&lt;script&gt;\nJVMs: 1"),
                xml);
        assertFalse(xml.contains("<script"), xml);
    }

    @Test
    void reportsWithoutV1CallsAreReady() throws Exception {
        Reports.write(dir, "a.json", Reports.cleanReport("orders", 1));
        Reports.write(dir, "b.json", Reports.cleanReport("payments", 2));
        assertEquals(0, check(dir.toString()), stdout + stderr);
        assertTrue(
                stdout.startsWith("READY: no IMDSv1 calls in 2 report(s) from 2 service(s)"),
                stdout);
        assertTrue(stdout.contains("service orders: no IMDSv1 calls; 1 JVM(s)"), stdout);
    }

    @Test
    void theSameSiteInSeveralJvmsOfAServiceIsOneSiteWithTheCountsAddedUp() throws Exception {
        Path a = Reports.write(dir, "a.json", Reports.v1Report("billing", 41, 5));
        Path b = Reports.write(dir, "b.json", Reports.v1Report("billing", 42, 7));
        Path c = Reports.write(dir, "c.json", Reports.v1Report("orders", 43, 1));
        assertEquals(1, check(a.toString(), b.toString(), c.toString()), stdout + stderr);
        assertTrue(
                stdout.startsWith("NOT READY: 2 IMDSv1 call site(s) in 2 of 2 service(s)"), stdout);
        assertTrue(
                stdout.contains(
                        "service billing: 1 IMDSv1 call site(s), 12 v1 call(s); 2 JVM(s): pid 41"),
                stdout);
        assertTrue(stdout.contains("service=billing count=12 client=HttpURLConnection"), stdout);
        assertTrue(stdout.contains("jvms=2"), stdout);
        assertTrue(stdout.contains("service=orders count=1 "), stdout);
    }

    @Test
    void aBlockedCallIsNotReadyEither() throws Exception {
        Path report =
                Reports.write(
                        dir,
                        "enforce.json",
                        Reports.report(
                                "billing",
                                9,
                                "enforce",
                                3,
                                3,
                                Reports.site(
                                        "aa",
                                        "com.acme.Old.get(Old.java:1)",
                                        "okhttp",
                                        3,
                                        "{\"blocked\": 3}",
                                        "/latest/"),
                                ""));
        assertEquals(1, check(report.toString()));
        assertTrue(stdout.contains("3 v1 call(s), 3 blocked"), stdout);
        assertTrue(stdout.contains("actions=blocked:3"), stdout);
    }

    @Test
    void v1CallsBeyondTheSiteCapAreNotReady() throws Exception {
        Path report =
                Reports.write(
                        dir, "cap.json", Reports.report("billing", 9, "report", 4, 0, "", ""));
        assertEquals(1, check(report.toString()));
        assertTrue(stdout.contains("4 more v1 call(s) without a listed call site"), stdout);
    }

    @Test
    void diagnosesAreWarningsThatDoNotChangeTheExitCode() throws Exception {
        String diagnoses =
                ",\n\"diagnoses\": [{\"kind\": \"token-churn\", \"site\": \"com.acme.Sdk.fetch(Sdk.java:9)\", "
                        + "\"client\": \"java.net.http.HttpClient\", \"count\": 2, \"tokens\": 31, \"reads\": 32, "
                        + "\"tokensPerRead\": 0.97, \"advice\": \"reuse one token until it expires\", "
                        + "\"firstSeen\": \"2026-11-23T13:23:34.812Z\", \"lastSeen\": \"2026-11-23T13:23:34.881Z\"}]";
        Path report =
                Reports.write(
                        dir,
                        "churn.json",
                        Reports.report("billing", 9, "report", 0, 0, "", diagnoses));
        assertEquals(0, check(report.toString()), stdout + stderr);
        assertTrue(stdout.startsWith("READY"), stdout);
        assertTrue(
                stdout.contains(
                        "WARNING token-churn in service billing at com.acme.Sdk.fetch(Sdk.java:9) "
                                + "(client java.net.http.HttpClient): 31 token(s) for 32 read(s), 0.97 tokens per read, 2 time(s); "
                                + "reuse one token until it expires"),
                stdout);
        assertTrue(stdout.contains("; 1 warning(s)"), stdout);
    }

    @Test
    void everyBadInputIsExit2WithOneLineNamingTheFileAndTheProblem() throws Exception {
        String good = Reports.v1Report("billing", 1, 1);
        Object[][] cases = {
            {dir.resolve("absent.json"), "absent.json: no such file"},
            {Reports.write(dir, "empty.json", ""), "empty.json: empty file"},
            {Reports.write(dir, "blank.json", " \n"), "blank.json: empty file"},
            {
                Reports.write(dir, "cut.json", good.substring(0, good.length() / 2)),
                "cut.json: not valid JSON: the text ends before the JSON is complete"
            },
            {
                Reports.write(dir, "garbage.json", "<html>"),
                "garbage.json: not valid JSON: unexpected character '<' at " + "line 1, column 1"
            },
            {
                Reports.write(
                        dir, "foreign.json", "{\"name\": \"package\", \"version\": \"1.0.0\"}"),
                "foreign.json: not an imds-guard report: it has no \"schema\" field"
            },
            {
                Reports.write(dir, "other.json", "{\"schema\": \"sarif\"}"),
                "other.json: not an imds-guard report: its \"schema\" is \"sarif\""
            },
            {
                Reports.write(dir, "array.json", "[1]"),
                "array.json: not an imds-guard report: the JSON is not an object"
            },
            {
                Reports.write(
                        dir,
                        "newer.json",
                        good.replace("\"schemaVersion\": 1", "\"schemaVersion\": 2")
                                .replace(
                                        "\"agentVersion\": \"0.1.0\"",
                                        "\"agentVersion\": \"2.3.0\"")),
                "newer.json: written by a newer imds-guard (schemaVersion 2, agent 2.3.0; this check reads "
                        + "schemaVersion 1); use version 2.3.0 or later to check it"
            },
            {
                Reports.write(dir, "nocount.json", good.replace("\"count\": 1,", "")),
                "nocount.json: invalid report: callSites[0].count is missing"
            },
            {
                Reports.write(
                        dir,
                        "badtype.json",
                        good.replace("\"service\": \"billing\"", "\"service\": 7")),
                "badtype.json: invalid report: service is not a string"
            },
            {
                Reports.write(
                        dir,
                        "binary.json",
                        new String(
                                new byte[] {(byte) 0xff, (byte) 0xfe, 0x7b},
                                StandardCharsets.ISO_8859_1)),
                "binary.json: not"
            },
        };
        for (Object[] c : cases) {
            assertEquals(2, check(c[0].toString()), c[1] + "\n" + stdout + stderr);
            assertTrue(stderr.startsWith("imds-guard check: " + dir), stderr);
            assertTrue(stderr.contains((String) c[1]), "expected '" + c[1] + "' in:\n" + stderr);
            assertFalse(stderr.contains("\tat ") || stderr.contains("Exception"), stderr);
            assertEquals("", stdout, "no verdict on bad input");
        }
    }

    @Test
    void anEmptyDirectoryAndBadArgumentsAreExit2() throws Exception {
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertEquals(2, check(empty.toString()));
        assertTrue(stderr.contains("no *.json report in this directory"), stderr);
        assertEquals(2, check());
        assertTrue(stderr.contains("name at least one report file or directory"), stderr);
        assertTrue(stderr.contains("usage:"), stderr);
        assertEquals(2, check("--format", "xml", "x.json"));
        assertTrue(stderr.contains("--format accepts text or junit"), stderr);
        assertEquals(2, check("--bogus", "x.json"));
        assertEquals(2, check("x.json", "--html"));
        assertTrue(stderr.contains("--html needs a value"), stderr);
    }

    private static Document parseXml(String xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder()
                .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void junitXmlHasOneFailedTestCasePerCallSite() throws Exception {
        String twoSites =
                Reports.site(
                                "s1",
                                "com.acme.A.a(A.java:1)",
                                "okhttp",
                                2,
                                "{\"observed\": 2}",
                                "/latest/a")
                        + ","
                        + Reports.site(
                                "s2",
                                "com.acme.B.b(B.java:2)",
                                "HttpURLConnection",
                                1,
                                "{\"observed\": 1}",
                                "/latest/meta-data/<script>alert(1)</script>\\u0001");
        Path a =
                Reports.write(
                        dir, "a.json", Reports.report("billing", 1, "report", 3, 0, twoSites, ""));
        Path b = Reports.write(dir, "b.json", Reports.v1Report("orders", 2, 4));
        assertEquals(1, check("--format", "junit", a.toString(), b.toString()), stderr);
        Document xml = parseXml(stdout);
        Element suites = xml.getDocumentElement();
        assertEquals("testsuites", suites.getTagName());
        assertEquals("3", suites.getAttribute("tests"));
        assertEquals("3", suites.getAttribute("failures"));
        NodeList cases = xml.getElementsByTagName("testcase");
        assertEquals(3, cases.getLength());
        assertEquals(3, xml.getElementsByTagName("failure").getLength());
        Element first = (Element) cases.item(0);
        assertEquals("imds-guard.billing", first.getAttribute("classname"));
        assertEquals(
                "IMDSv1 call from com.acme.A.a(A.java:1) [okhttp GET]", first.getAttribute("name"));
        String secondFailure =
                ((Element) cases.item(1)).getElementsByTagName("failure").item(0).getTextContent();
        assertTrue(
                secondFailure.contains(
                        "example path: /latest/meta-data/<script>alert(1)</script>\\u0001"),
                "escaped in XML, the text reads as sent: " + secondFailure);
        assertFalse(stdout.contains("<script>"), stdout);
        assertTrue(stderr.contains("summary: NOT READY"), "the verdict still shows: " + stderr);

        Path junit = dir.resolve("out/junit.xml");
        assertEquals(1, check("--format=junit", "--output", junit.toString(), a.toString()));
        assertEquals(
                2,
                parseXml(new String(Files.readAllBytes(junit), StandardCharsets.UTF_8))
                        .getElementsByTagName("failure")
                        .getLength());
        assertTrue(stdout.startsWith("NOT READY"), stdout);
    }

    @Test
    void aReadyJunitReportIsOnePassingTestCase() throws Exception {
        Path a = Reports.write(dir, "a.json", Reports.cleanReport("orders", 1));
        assertEquals(0, check("--format", "junit", a.toString()));
        Document xml = parseXml(stdout);
        assertEquals(1, xml.getElementsByTagName("testcase").getLength());
        assertEquals(0, xml.getElementsByTagName("failure").getLength());
        assertEquals("0", xml.getDocumentElement().getAttribute("failures"));
    }

    @Test
    void theHtmlReportEscapesEverythingFromTheReport() throws Exception {
        String hostile =
                Reports.site(
                        "s1\\\"><script>x()</script>",
                        "com.acme.A.a(A.java:1)<img src=x onerror=y>",
                        "okhttp</td>",
                        2,
                        "{\"observed\": 2}",
                        "/latest/meta-data/<script>alert(1)</script>'\\\"&");
        Path a =
                Reports.write(
                        dir,
                        "a.json",
                        Reports.report(
                                "bill<script>ing",
                                1,
                                "report",
                                2,
                                0,
                                hostile,
                                ",\"diagnoses\": [{\"kind\": \"hop-limit<script>\", \"site\": \"<b>x</b>\", \"advice\": \"<iframe>\"}]"));
        Path html = dir.resolve("report.html");
        assertEquals(1, check("--html", html.toString(), a.toString()), stderr);
        String page = new String(Files.readAllBytes(html), StandardCharsets.UTF_8);
        assertFalse(page.toLowerCase(java.util.Locale.ROOT).contains("<script"), page);
        assertFalse(
                page.contains("<img") || page.contains("<iframe") || page.contains("<b>x"), page);
        assertTrue(
                page.contains(
                        "/latest/meta-data/&lt;script&gt;alert(1)&lt;/script&gt;&#39;&quot;&amp;"),
                page);
        assertTrue(page.contains("<h1>NOT READY</h1>"), page);
        assertTrue(page.contains("<details>"), "stacks are folded");
        assertTrue(page.contains("Content-Security-Policy"), page);
        assertFalse(
                page.contains("http://")
                        || page.contains("https://")
                        || page.contains("<link")
                        || page.contains("url("),
                "self-contained");
        assertTrue(stdout.contains("HTML report: " + html), stdout);
    }

    @Test
    void longValuesAreCappedInEveryFormat() throws Exception {
        StringBuilder longPath = new StringBuilder("/latest/meta-data/");
        for (int i = 0; i < 20_000; i++) {
            longPath.append('x');
        }
        Path a =
                Reports.write(
                        dir,
                        "a.json",
                        Reports.report(
                                "billing",
                                1,
                                "report",
                                1,
                                0,
                                Reports.site(
                                        "s1",
                                        "com.acme.A.a(A.java:1)",
                                        "okhttp",
                                        1,
                                        "{\"observed\": 1}",
                                        longPath.toString()),
                                ""));
        Path html = dir.resolve("r.html");
        assertEquals(1, check("--html", html.toString(), a.toString()));
        assertTrue(stdout.length() < 5_000, "text length " + stdout.length());
        assertTrue(Files.size(html) < 20_000, "html length " + Files.size(html));
    }
}
