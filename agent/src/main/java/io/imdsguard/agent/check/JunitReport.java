package io.imdsguard.agent.check;

import java.util.List;

/**
 * The verdict as JUnit XML, the format CI systems (Jenkins, GitLab, GitHub Actions reporters) show
 * as tests: one failed test case per IMDSv1 call site, named after its service and frame, so that
 * the pipeline's test view lists exactly the code to change. A ready set of reports is one passing
 * test case. Diagnoses go to the suite's {@code system-out}: warnings, not failures.
 */
final class JunitReport {

    private JunitReport() {}

    static String render(Readiness readiness) {
        StringBuilder cases = new StringBuilder();
        int tests = 0;
        int failures = 0;
        for (Readiness.ServiceFindings service : readiness.services.values()) {
            String className = "imds-guard." + service.name;
            for (Readiness.MergedSite site : service.sites()) {
                tests++;
                failures++;
                StringBuilder details = new StringBuilder();
                if (site.origin != null) {
                    details.append("IMDSv1 caller found by scan (not seen running) in ")
                            .append(Markup.escape(site.origin.archive))
                            .append("\ncoordinates: ")
                            .append(Markup.escape(site.origin.coordinates))
                            .append("\nfix: ")
                            .append(Markup.escape(site.origin.remediation))
                            .append('\n');
                }
                details.append(site.count)
                        .append(" IMDSv1 call(s) from ")
                        .append(Markup.escape(site.site))
                        .append("\nservice: ")
                        .append(Markup.escape(service.name))
                        .append("\nclient: ")
                        .append(Markup.escape(site.client))
                        .append(' ')
                        .append(Markup.escape(site.method))
                        .append("\nactions: ")
                        .append(Markup.escape(site.actionsText(" ", ", ")))
                        .append("\nexample path: ")
                        .append(Markup.escape(site.examplePath))
                        .append("\nsite-id: ")
                        .append(Markup.escape(site.id));
                loadedFrom(details, site.loadedFrom);
                details.append("\nJVMs: ").append(site.jvms.size());
                for (LoadedReport jvm : site.jvms) {
                    details.append("\n  ")
                            .append(Markup.escape(jvm.where()))
                            .append(" (")
                            .append(Markup.escape(jvm.source))
                            .append(')');
                }
                details.append("\nstack:");
                for (String frame : site.stack) {
                    details.append("\n    at ").append(Markup.escape(frame));
                }
                cases.append("    <testcase classname=\"")
                        .append(Markup.escape(className))
                        .append("\" name=\"")
                        .append(
                                Markup.escape(
                                        "IMDSv1 call from "
                                                + site.site
                                                + " ["
                                                + site.client
                                                + " "
                                                + site.method
                                                + "]"))
                        .append("\">\n      <failure type=\"IMDSv1\" message=\"")
                        .append(
                                Markup.escape(
                                        site.origin != null
                                                ? "IMDSv1 caller found by scan will fail under HttpTokens=required once it runs"
                                                : site.count
                                                        + " IMDSv1 call(s) ("
                                                        + site.actionsText(" ", ", ")
                                                        + ") will fail under HttpTokens=required"))
                        .append("\">")
                        .append(details)
                        .append("</failure>\n    </testcase>\n");
            }
            if (service.unattributed > 0) {
                tests++;
                failures++;
                cases.append("    <testcase classname=\"")
                        .append(Markup.escape(className))
                        .append(
                                "\" name=\"IMDSv1 calls without a listed call site\">\n      <failure type=\"IMDSv1\" ")
                        .append("message=\"")
                        .append(service.unattributed)
                        .append(
                                " IMDSv1 call(s) beyond the agent's cap of call sites\"/>\n    </testcase>\n");
            }
        }
        if (tests == 0) {
            tests = 1;
            cases.append("    <testcase classname=\"imds-guard\" name=\"")
                    .append(
                            Markup.escape(
                                    "no IMDSv1 calls in "
                                            + readiness.reports.size()
                                            + " report(s) from "
                                            + readiness.services.size()
                                            + " service(s)"))
                    .append("\"/>\n");
        }
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.append("<testsuites name=\"imds-guard check\" tests=\"")
                .append(tests)
                .append("\" failures=\"")
                .append(failures)
                .append("\" errors=\"0\">\n");
        xml.append("  <testsuite name=\"imds-guard IMDSv2 readiness\" tests=\"")
                .append(tests)
                .append("\" failures=\"")
                .append(failures)
                .append("\" errors=\"0\" skipped=\"0\">\n");
        xml.append(cases);
        List<Readiness.MergedDiagnosis> warnings = TextVerdict.diagnoses(readiness);
        xml.append("    <system-out>")
                .append(Markup.escape(TextVerdict.verdictLine(readiness), 1000));
        for (Readiness.MergedDiagnosis warning : warnings) {
            xml.append('\n').append(Markup.escape(TextVerdict.warningLine(warning), 2000));
        }
        xml.append('\n')
                .append(Markup.escape(TextVerdict.totalsLine(readiness), 1000))
                .append("</system-out>\n");
        xml.append("  </testsuite>\n</testsuites>\n");
        return xml.toString();
    }

    /** The archive, coordinates and fix of a run-time site's class, as text and HTML show them. */
    private static void loadedFrom(StringBuilder details, LoadedReport.LoadedFrom from) {
        if (from == null) {
            return;
        }
        details.append("\narchive: ").append(Markup.escape(from.archive));
        if (from.coordinates != null) {
            details.append("\ncoordinates: ").append(Markup.escape(from.coordinates));
            if (from.coordinatesFrom != null) {
                details.append(" (from ").append(Markup.escape(from.coordinatesFrom)).append(')');
            }
        }
        if (from.remediation != null && !from.remediation.isEmpty()) {
            details.append("\nfix: ").append(Markup.escape(from.remediation, 1000));
        }
    }
}
