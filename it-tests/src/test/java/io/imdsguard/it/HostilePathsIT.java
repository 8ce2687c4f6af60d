package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.imdsguard.it.apps.HostilePathsApp;
import io.imdsguard.it.support.AgentOutput;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.it.support.Reports;
import io.imdsguard.mockimds.MockImds;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Paths are chosen by whoever exploits an SSRF flaw. Markup, CR/LF and sheer length in them must
 * come out escaped and capped in the log, the JSON report and the HTML report of {@code check}.
 */
class HostilePathsIT {

    private static Optional<JsonNode> siteWithPathContaining(JsonNode report, String text) {
        return Reports.callSites(report).stream()
                .filter(s -> s.get("examplePath").asText().contains(text))
                .findFirst();
    }

    @Test
    void hostilePathsAreEscapedAndCappedInTheLogTheReportAndTheHtml(@TempDir Path dir)
            throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            Path report = dir.resolve("report.json");
            JvmResult run =
                    AppJvm.mainClass(HostilePathsApp.class)
                            .withAgent("report=" + report)
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .run();
            assertEquals(0, run.exitCode(), run.describe());
            assertTrue(run.stdout().contains("done"), run.describe());

            // The log: no line forged by the path; every agent line is one whole line.
            for (String line : run.stderr().split("\n", -1)) {
                assertFalse(line.startsWith("FAKE-LOG-LINE"), "forged line in:\n" + run.stderr());
                assertFalse(line.contains("\r"), "raw CR in: " + line);
            }
            AgentOutput agent = run.agent();
            List<AgentOutput.FirstSight> sights = agent.firstSights();
            assertTrue(
                    sights.stream().anyMatch(s -> s.path().equals(HostilePathsApp.SCRIPT)),
                    run.stderr());
            assertTrue(
                    sights.stream().anyMatch(s -> s.path().equals(HostilePathsApp.ENCODED_CRLF)),
                    run.stderr());
            // A raw LF ends the socket's request line, as servers read it: what precedes it is no
            // HTTP/1 request
            // line, so the request is reported as unparsed, and nothing after the LF reaches the
            // log.
            assertEquals(
                    1,
                    agent
                            .linesContaining(
                                    "IMDS request the agent could not read (unparsed) from")
                            .stream()
                            .filter(
                                    l ->
                                            l.contains(
                                                    "client=socket method=GET path=/latest/meta-data/y thread="))
                            .count(),
                    "the socket's raw LF ends its line:\n" + run.stderr());
            String longPath =
                    sights.stream()
                            .map(AgentOutput.FirstSight::path)
                            .filter(p -> p.contains("AAAA"))
                            .findFirst()
                            .orElseThrow(
                                    () -> new AssertionError("no long path in\n" + run.stderr()));
            assertTrue(
                    longPath.length() <= 256 + 3 && longPath.endsWith("..."),
                    "capped: " + longPath.length());

            // The report: valid JSON, no raw markup in the file, the text escaped and capped.
            String raw = Files.readString(report, StandardCharsets.UTF_8);
            assertFalse(raw.contains("<script>") || raw.contains("</script>"), raw);
            JsonNode json = Reports.read(report);
            assertEquals(
                    HostilePathsApp.SCRIPT,
                    siteWithPathContaining(json, "<script>alert(1)")
                            .orElseThrow()
                            .get("examplePath")
                            .asText(),
                    "decoded, the path reads as it was sent");
            assertEquals(
                    "socket",
                    siteWithPathContaining(json, "alert(2)").orElseThrow().get("client").asText());
            assertEquals(
                    HostilePathsApp.ENCODED_CRLF,
                    siteWithPathContaining(json, "%0d%0aFAKE")
                            .orElseThrow()
                            .get("examplePath")
                            .asText());
            assertEquals(
                    1, json.get("totals").get("unparsed").asLong(), "the raw LF request: " + json);
            // HttpURLConnection refuses a raw CR/LF in a URL (MalformedURLException) before
            // connecting, so a
            // raw line break reaches the agent through the socket client; should a JDK let it
            // through, it is escaped
            siteWithPathContaining(json, "x\\r\\nFAKE")
                    .ifPresent(
                            site ->
                                    assertFalse(
                                            site.get("examplePath").asText().contains("\n"),
                                            site.toString()));
            for (JsonNode site : Reports.callSites(json)) {
                String path = site.get("examplePath").asText();
                assertFalse(path.contains("\n") || path.contains("\r"), path);
                assertTrue(path.length() <= 256 + 3, "capped: " + path.length());
            }

            // check --html: the page shows the paths as text and holds no markup from them.
            Path html = dir.resolve("report.html");
            JvmResult check =
                    AppJvm.agentCommand("check", "--html", html.toString(), report.toString())
                            .run();
            assertEquals(1, check.exitCode(), check.describe());
            for (String line : check.stdoutLines()) {
                assertFalse(line.startsWith("FAKE-LOG-LINE"), check.stdout());
            }
            String page = Files.readString(html, StandardCharsets.UTF_8);
            assertFalse(page.toLowerCase(Locale.ROOT).contains("<script"), page);
            assertTrue(
                    page.contains("/latest/meta-data/&lt;script&gt;alert(1)&lt;/script&gt;"), page);
        }
    }
}
