package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.JdkClientsApp;
import io.imdsguard.it.apps.V2OnlyApp;
import io.imdsguard.it.apps.diagnose.DiagnosesApp;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.it.support.RequiredTool;
import io.imdsguard.mockimds.MockImds;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * {@code java -jar imds-guard-agent.jar check} on reports that real agent runs wrote: the verdict,
 * the exit code a pipeline acts on, JUnit XML for its test view, and the HTML report as a browser
 * shows it.
 */
class CheckCommandIT {

    private static final String SITE_PREFIX = "io.imdsguard.it.apps.JdkClientsApp.";

    /** Runs JdkClientsApp once with the agent and returns its report. */
    private static Path v1Report(MockImds mock, Path report, String agentArguments)
            throws Exception {
        JvmResult run =
                AppJvm.mainClass(JdkClientsApp.class, "1")
                        .withAgent(
                                "report="
                                        + report
                                        + (agentArguments.isEmpty() ? "" : "," + agentArguments))
                        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                        .run();
        assertEquals(0, run.exitCode(), run.describe());
        return report;
    }

    private static JvmResult check(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("check"));
        all.addAll(List.of(args));
        return AppJvm.agentCommand(all.toArray(new String[0])).run();
    }

    @Test
    void aV1AppIsNotReadyAndEachSiteIsPrinted(@TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            Path report = v1Report(mock, dir.resolve("billing.json"), "service.name=billing");
            JvmResult check = check(report.toString());
            assertEquals(1, check.exitCode(), check.describe());
            String out = check.stdout();
            assertTrue(
                    out.startsWith("NOT READY: 4 IMDSv1 call site(s) in 1 of 1 service(s)"), out);
            assertTrue(
                    out.contains(
                            "service billing: 4 IMDSv1 call site(s), 4 v1 call(s); 1 JVM(s): pid "),
                    out);
            for (String method :
                    List.of(
                            "v1ViaHttpUrlConnection",
                            "v1ViaOpenStream",
                            "v1ViaHttpClientSend",
                            "v1ViaHttpClientSendAsync")) {
                assertTrue(
                        out.contains("  v1 call site " + SITE_PREFIX + method + "("),
                        method + " in:\n" + out);
            }
            assertTrue(
                    out.contains(
                            "service=billing count=1 client=HttpURLConnection method=GET actions=observed:1 "
                                    + "path=/latest/meta-data/instance-id "),
                    out);
            assertTrue(
                    out.contains(
                            "totals: 1 report(s), 1 service(s); 4 v1 call(s) from 4 call site(s)"),
                    out);
            assertTrue(out.contains("\nsummary: NOT READY"), out);
            assertEquals("", check.stderr());
        }
    }

    @Test
    void aV2OnlyAppIsReady(@TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            Path report = dir.resolve("orders.json");
            JvmResult run =
                    AppJvm.mainClass(V2OnlyApp.class)
                            .withAgent("report=" + report + ",service.name=orders")
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            assertEquals(0, run.exitCode(), run.describe());
            JvmResult check = check(report.toString());
            assertEquals(0, check.exitCode(), check.describe());
            assertTrue(
                    check.stdout()
                            .startsWith("READY: no IMDSv1 calls in 1 report(s) from 1 service(s)"),
                    check.stdout());
            assertTrue(check.stdout().contains("2 v2 call(s), 1 token request(s)"), check.stdout());
        }
    }

    @Test
    void aDiagnosisFromARealRunIsAWarningAndLeavesTheVerdictAlone(@TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            Path report = dir.resolve("churn.json");
            JvmResult run =
                    AppJvm.mainClass(DiagnosesApp.class, "churn", "8")
                            .withAgent("report=" + report + ",service.name=churner")
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            assertEquals(0, run.exitCode(), run.describe());
            assertEquals(
                    "token-churn",
                    Reports.read(report).get("diagnoses").get(0).get("kind").asText());

            Path html = dir.resolve("churn.html");
            JvmResult check = check("--html", html.toString(), report.toString());
            assertEquals(
                    0,
                    check.exitCode(),
                    "a v2-only service with a warning is ready: " + check.describe());
            String out = check.stdout();
            assertTrue(out.startsWith("READY"), out);
            assertTrue(
                    out.contains(
                            "WARNING token-churn in service churner at io.imdsguard.it.apps.diagnose.ImdsReader"
                                    + ".token(ImdsReader.java:"),
                    out);
            assertTrue(out.contains("8 token(s) for 8 read(s), 1.00 tokens per read"), out);
            assertTrue(out.contains("; 1 warning(s)"), out);
            String page = Files.readString(html, StandardCharsets.UTF_8);
            assertTrue(
                    page.contains("<div class=\"warning\"><strong>WARNING token-churn</strong>"),
                    page);
        }
    }

    @Test
    void theReportsOfTwoJvmsInADirectoryAreMerged(@TempDir Path dir) throws Exception {
        Path reports = Files.createDirectory(dir.resolve("reports"));
        try (MockImds mock = MockImds.builder().start()) {
            v1Report(mock, reports.resolve("billing-1.json"), "service.name=billing");
            v1Report(mock, reports.resolve("billing-2.json"), "service.name=billing");
            JsonNode first = Reports.read(reports.resolve("billing-1.json"));
            JsonNode second = Reports.read(reports.resolve("billing-2.json"));
            JvmResult check = check(reports.toString());
            assertEquals(1, check.exitCode(), check.describe());
            String out = check.stdout();
            assertTrue(
                    out.startsWith("NOT READY: 4 IMDSv1 call site(s) in 1 of 1 service(s)"), out);
            assertTrue(
                    out.contains(
                            "service billing: 4 IMDSv1 call site(s), 8 v1 call(s); 2 JVM(s): pid "
                                    + first.get("pid").asLong()
                                    + " on "),
                    out);
            assertTrue(out.contains("pid " + second.get("pid").asLong() + " on "), out);
            assertTrue(
                    out.contains(
                            "service=billing count=2 client=HttpURLConnection method=GET actions=observed:2 "
                                    + "path=/latest/meta-data/instance-id site-id="
                                    + Reports.siteStartingWith(
                                                    first, SITE_PREFIX + "v1ViaHttpUrlConnection")
                                            .get("id")
                                            .asText()
                                    + " jvms=2"),
                    out);
            assertTrue(
                    out.contains(
                            "totals: 2 report(s), 1 service(s); 8 v1 call(s) from 4 call site(s)"),
                    out);
        }
    }

    @Test
    void anEnforceRunWithBlockedCallsIsNotReady(@TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            Path report =
                    v1Report(
                            mock, dir.resolve("staging.json"), "mode=enforce,service.name=billing");
            JvmResult check = check(report.toString());
            assertEquals(1, check.exitCode(), check.describe());
            assertTrue(
                    check.stdout()
                            .contains(
                                    "service billing: 4 IMDSv1 call site(s), 4 v1 call(s), 4 blocked; "),
                    check.stdout());
            assertTrue(check.stdout().contains("actions=blocked:1 "), check.stdout());
            assertTrue(check.stdout().contains(" mode enforce"), check.stdout());
        }
    }

    @Test
    void everyBadInputIsExit2WithAClearLineAndNoStackTrace(@TempDir Path dir) throws Exception {
        Path good;
        try (MockImds mock = MockImds.builder().start()) {
            good = v1Report(mock, dir.resolve("good.json"), "");
        }
        String real = Files.readString(good);
        Path empty = Files.writeString(dir.resolve("empty.json"), "");
        Path truncated =
                Files.writeString(
                        dir.resolve("truncated.json"), real.substring(0, real.length() / 2));
        Path foreign =
                Files.writeString(
                        dir.resolve("package.json"), "{\"name\": \"web\", \"version\": \"1.0.0\"}");
        Path newer =
                Files.writeString(
                        dir.resolve("newer.json"),
                        real.replace("\"schemaVersion\": 1", "\"schemaVersion\": 2")
                                .replaceFirst(
                                        "\"agentVersion\": \"[^\"]*\"",
                                        "\"agentVersion\": \"9.1.0\""));
        Path emptyDir = Files.createDirectory(dir.resolve("nothing"));
        Object[][] cases = {
            {dir.resolve("missing.json"), "missing.json: no such file"},
            {empty, "empty.json: empty file"},
            {
                truncated,
                "truncated.json: not valid JSON: the text ends before the JSON is complete"
            },
            {foreign, "package.json: not an imds-guard report: it has no \"schema\" field"},
            {
                newer,
                "newer.json: written by a newer imds-guard (schemaVersion 2, agent 9.1.0; this check reads "
                        + "schemaVersion 1); use version 9.1.0 or later to check it"
            },
            {emptyDir, "nothing: no *.json report in this directory"},
        };
        for (Object[] c : cases) {
            JvmResult check = check(c[0].toString());
            assertEquals(2, check.exitCode(), c[1] + "\n" + check.describe());
            String first = check.stderr().lines().findFirst().orElse("");
            // The input's own path, then what is wrong with it (a hint may follow).
            String expected = "imds-guard check: " + dir + java.io.File.separator + c[1];
            assertTrue(
                    first.startsWith(expected),
                    "expected a line starting '" + expected + "':\n" + check.stderr());
            assertFalse(
                    check.stderr().contains("\tat ") || check.stderr().contains("Exception"),
                    check.stderr());
            assertEquals("", check.stdout(), "no verdict on bad input");
        }
        // one bad input among good ones still gives no verdict
        JvmResult mixed = check(good.toString(), empty.toString());
        assertEquals(2, mixed.exitCode(), mixed.describe());

        JvmResult noCommand = AppJvm.agentCommand().run();
        assertEquals(2, noCommand.exitCode());
        assertTrue(
                noCommand.stderr().startsWith("usage: java -jar imds-guard-agent.jar <command>"),
                noCommand.stderr());
        JvmResult unknown = AppJvm.agentCommand("frobnicate").run();
        assertEquals(2, unknown.exitCode());
        assertTrue(
                unknown.stderr().startsWith("imds-guard: unknown command 'frobnicate'"),
                unknown.stderr());
        JvmResult help = AppJvm.agentCommand("--help").run();
        assertEquals(0, help.exitCode());
        assertTrue(help.stdout().contains("check [--format text|junit]"), help.stdout());
    }

    @Test
    void junitXmlIsWellFormedWithOneFailurePerCallSite(@TempDir Path dir) throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            Path report = v1Report(mock, dir.resolve("billing.json"), "service.name=billing");
            Path junit = dir.resolve("ci/imds-guard-junit.xml");
            JvmResult check =
                    check("--format", "junit", "--output", junit.toString(), report.toString());
            assertEquals(1, check.exitCode(), check.describe());
            assertTrue(check.stdout().contains("NOT READY"), check.stdout());

            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            Document xml = factory.newDocumentBuilder().parse(junit.toFile());
            assertEquals("testsuites", xml.getDocumentElement().getTagName());
            NodeList cases = xml.getElementsByTagName("testcase");
            assertEquals(4, cases.getLength());
            assertEquals(4, xml.getElementsByTagName("failure").getLength());
            assertEquals("4", xml.getDocumentElement().getAttribute("failures"));
            for (int i = 0; i < cases.getLength(); i++) {
                Element testCase = (Element) cases.item(i);
                assertEquals("imds-guard.billing", testCase.getAttribute("classname"));
                assertTrue(
                        testCase.getAttribute("name")
                                .startsWith("IMDSv1 call from " + SITE_PREFIX + "v1Via"),
                        testCase.getAttribute("name"));
                assertEquals(1, testCase.getElementsByTagName("failure").getLength());
            }
        }
    }

    private static Path chromium() {
        for (String candidate : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
            if (Files.isExecutable(Paths.get(candidate))) {
                return Paths.get(candidate);
            }
        }
        return null;
    }

    @Test
    void theHtmlReportRendersInAHeadlessBrowserWithTheVerdictAndTheCallSites(@TempDir Path dir)
            throws Exception {
        Path browser = chromium();
        RequiredTool.require(
                browser != null,
                "no chromium at /usr/bin/chromium (apt-get install chromium;"
                        + " .ci/run installs it) to render the HTML report");
        Path html = dir.resolve("imds-guard.html");
        try (MockImds mock = MockImds.builder().start()) {
            Path reports = Files.createDirectory(dir.resolve("reports"));
            v1Report(mock, reports.resolve("billing.json"), "mode=enforce,service.name=billing");
            JvmResult v2 =
                    AppJvm.mainClass(V2OnlyApp.class)
                            .withAgent(
                                    "report="
                                            + reports.resolve("orders.json")
                                            + ",service.name=orders")
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            assertEquals(0, v2.exitCode(), v2.describe());
            JvmResult check = check("--html", html.toString(), reports.toString());
            assertEquals(1, check.exitCode(), check.describe());
        }

        Path profile = Files.createDirectory(dir.resolve("chromium-profile"));
        String dom = runChromium(browser, profile, "--dump-dom", html.toUri().toString());
        assertTrue(dom.contains("<h1>NOT READY</h1>"), dom);
        // what is visible without unfolding a stack: everything outside <details>
        String visible =
                dom.replaceAll("(?s)<details>.*?</details>", "").replaceAll("<[^>]+>", " ");
        assertTrue(visible.contains("NOT READY"), visible);
        assertTrue(visible.contains("service billing"), visible);
        assertTrue(visible.contains("service orders"), visible);
        for (String method :
                List.of(
                        "v1ViaHttpUrlConnection",
                        "v1ViaOpenStream",
                        "v1ViaHttpClientSend(",
                        "v1ViaHttpClientSendAsync")) {
            assertTrue(visible.contains(SITE_PREFIX + method), method + " visible in:\n" + visible);
        }
        assertTrue(visible.contains("blocked 1"), visible);

        Path screenshot =
                Paths.get("target", "check-report-" + Runtime.version().feature() + ".png")
                        .toAbsolutePath();
        Files.deleteIfExists(screenshot);
        Path profile2 = Files.createDirectory(dir.resolve("chromium-profile-2"));
        runChromium(
                browser,
                profile2,
                "--screenshot=" + screenshot,
                "--window-size=1280,1600",
                html.toUri().toString());
        assertTrue(
                Files.isRegularFile(screenshot) && Files.size(screenshot) > 1000,
                "screenshot at " + screenshot);
    }

    /** Runs headless Chromium, offline, with a fresh profile; answers its standard output. */
    private static String runChromium(Path browser, Path profile, String... args) throws Exception {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                browser.toString(),
                                "--headless",
                                "--no-sandbox",
                                "--disable-gpu",
                                "--disable-quic",
                                "--no-first-run",
                                "--disable-background-networking",
                                "--disable-component-update",
                                "--disable-sync",
                                "--user-data-dir=" + profile));
        command.addAll(List.of(args));
        Path out = profile.resolve("stdout.txt");
        Path err = profile.resolve("stderr.txt");
        Process process =
                new ProcessBuilder(command)
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(
                    "chromium did not finish within 120 s: " + Files.readString(err));
        }
        assertEquals(0, process.exitValue(), "chromium failed: " + Files.readString(err));
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
