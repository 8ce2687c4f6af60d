package io.imdsguard.agent.check;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The verdict as one self-contained HTML page to attach to a pipeline run or mail around: verdict
 * first, then each service with where its JVMs ran and its call sites grouped by client, stacks
 * folded. No external resource of any kind (styles inline, no fonts, no scripts), and a
 * Content-Security-Policy that forbids scripts, so that even a page built from a crafted report
 * runs nothing; every value from a report is escaped by {@link Markup}.
 */
final class HtmlReport {

    private static final int MAX_FRAMES = 64;

    private HtmlReport() {}

    private static final String STYLE =
            ""
                    + "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d2330;background:#f6f7f9}"
                    + "main{max-width:1200px;margin:0 auto;padding:0 24px 40px}"
                    + ".verdict{padding:24px;color:#fff}.verdict h1{margin:0;font-size:40px;letter-spacing:.02em}"
                    + ".verdict p{margin:8px 0 0;font-size:16px}.ready{background:#1e7b3a}.not-ready{background:#b3261e}"
                    + "h2{margin:28px 0 8px;font-size:22px}h3{margin:16px 0 6px;font-size:16px}"
                    + "table{border-collapse:collapse;width:100%;background:#fff;margin:4px 0 12px;font-size:14px}"
                    + "th,td{border:1px solid #d5d9e0;padding:6px 8px;text-align:left;vertical-align:top}"
                    + "th{background:#eceff3}td.num{text-align:right;font-variant-numeric:tabular-nums}"
                    + "code,pre{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:13px;word-break:break-all}"
                    + "pre{white-space:pre-wrap;margin:6px 0 0}.badge{display:inline-block;padding:2px 8px;border-radius:10px;"
                    + "font-size:13px;color:#fff;margin-left:8px}.badge.ready{background:#1e7b3a}.badge.not-ready{background:#b3261e}"
                    + ".warning{background:#fff4d6;border-left:4px solid #c98a00;padding:8px 12px;margin:6px 0}"
                    + ".totals{background:#fff;border:1px solid #d5d9e0;padding:10px 12px;margin-top:16px}"
                    + "footer{color:#5b6472;font-size:12px;margin-top:32px}";

    static String render(Readiness readiness, String agentVersion, String generatedAt) {
        boolean ready = readiness.ready();
        StringBuilder html = new StringBuilder(8192);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append(
                        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("style-src 'unsafe-inline'\">\n")
                .append(
                        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>imds-guard check: ")
                .append(ready ? "READY" : "NOT READY")
                .append("</title>\n")
                .append("<style>")
                .append(STYLE)
                .append("</style>\n</head>\n<body>\n");
        html.append("<header class=\"verdict ")
                .append(ready ? "ready" : "not-ready")
                .append("\" id=\"verdict\">")
                .append("<h1>")
                .append(ready ? "READY" : "NOT READY")
                .append("</h1><p>")
                .append(Markup.escape(TextVerdict.verdictReason(readiness), 1000))
                .append("</p></header>\n<main>\n");
        html.append("<p class=\"totals\" id=\"totals\">")
                .append(Markup.escape(TextVerdict.totalsLine(readiness), 1000))
                .append("</p>\n");

        List<Readiness.MergedDiagnosis> warnings = TextVerdict.diagnoses(readiness);
        if (!warnings.isEmpty()) {
            html.append("<section id=\"warnings\"><h2>Warnings</h2>\n");
            for (Readiness.MergedDiagnosis d : warnings) {
                html.append("<div class=\"warning\"><strong>WARNING ")
                        .append(Markup.escape(d.kind))
                        .append("</strong> in service <strong>")
                        .append(Markup.escape(d.service))
                        .append("</strong> at <code>")
                        .append(Markup.escape(d.site))
                        .append("</code> (client ")
                        .append(Markup.escape(d.client))
                        .append("): ")
                        .append(Markup.escape(d.ratioText()));
                if (!d.advice.isEmpty()) {
                    html.append("<br>").append(Markup.escape(d.advice, 1000));
                }
                html.append("</div>\n");
            }
            html.append("</section>\n");
        }

        for (Readiness.ServiceFindings service : readiness.services.values()) {
            service(html, service);
        }
        html.append("<footer>Written by imds-guard ")
                .append(Markup.escape(agentVersion))
                .append(" check at ")
                .append(Markup.escape(generatedAt))
                .append(" from ")
                .append(readiness.reports.size())
                .append(" report(s).</footer>\n</main>\n</body>\n</html>\n");
        return html.toString();
    }

    /** Where {@code scan} found a site that was not seen running, and what to change there. */
    private static void foundByScan(StringBuilder html, LoadedReport.StaticOrigin origin) {
        if (origin == null) {
            return;
        }
        html.append("<div class=\"found-by-scan\">found by scan (not seen running) in <code>")
                .append(Markup.escape(origin.archive))
                .append("</code> coordinates <code>")
                .append(Markup.escape(origin.coordinates))
                .append("</code><br>fix: ")
                .append(Markup.escape(origin.remediation, 1000))
                .append("</div>");
    }

    private static void service(StringBuilder html, Readiness.ServiceFindings service) {
        boolean ready = service.ready();
        html.append("<section class=\"service\">\n<h2>service ")
                .append(Markup.escape(service.name))
                .append("<span class=\"badge ")
                .append(ready ? "ready\">ready" : "not-ready\">not ready")
                .append("</span></h2>\n<p>")
                .append(
                        ready
                                ? "No IMDSv1 calls."
                                : service.siteCount()
                                        + " IMDSv1 call site(s), "
                                        + service.v1
                                        + " v1 call(s), "
                                        + service.blocked
                                        + " blocked.")
                .append("</p>\n");
        html.append(
                        "<table class=\"where\"><tr><th>pid</th><th>host</th><th>pod</th><th>container</th>")
                .append("<th>mode</th><th>agent</th><th>written</th><th>report</th></tr>\n");
        for (LoadedReport jvm : service.jvms) {
            String pod =
                    jvm.pod == null
                            ? (jvm.namespace == null ? "" : jvm.namespace + "/")
                            : (jvm.namespace != null ? jvm.namespace + "/" : "") + jvm.pod;
            html.append("<tr><td class=\"num\">")
                    .append(jvm.pid)
                    .append("</td><td>")
                    .append(Markup.escape(jvm.host))
                    .append("</td><td>")
                    .append(Markup.escape(pod))
                    .append("</td><td><code>")
                    .append(
                            Markup.escape(
                                    jvm.container == null
                                            ? ""
                                            : LoadedReport.shortId(jvm.container)))
                    .append("</code></td><td>")
                    .append(Markup.escape(jvm.mode))
                    .append("</td><td>")
                    .append(Markup.escape(jvm.agentVersion))
                    .append("</td><td>")
                    .append(Markup.escape(jvm.writtenAt))
                    .append("</td><td><code>")
                    .append(Markup.escape(jvm.source))
                    .append("</code></td></tr>\n");
        }
        html.append("</table>\n");

        Map<String, List<Readiness.MergedSite>> byClient =
                new LinkedHashMap<String, List<Readiness.MergedSite>>();
        for (Readiness.MergedSite site : service.sites()) {
            List<Readiness.MergedSite> sites = byClient.get(site.client);
            if (sites == null) {
                sites = new ArrayList<Readiness.MergedSite>();
                byClient.put(site.client, sites);
            }
            sites.add(site);
        }
        for (Map.Entry<String, List<Readiness.MergedSite>> client : byClient.entrySet()) {
            long calls = 0;
            for (Readiness.MergedSite site : client.getValue()) {
                calls += site.count;
            }
            html.append("<h3>client ")
                    .append(Markup.escape(client.getKey()))
                    .append(": ")
                    .append(client.getValue().size())
                    .append(" call site(s), ")
                    .append(calls)
                    .append(
                            " call(s)</h3>\n<table class=\"sites\"><tr><th>calls</th><th>call site</th>")
                    .append(
                            "<th>method</th><th>actions</th><th>example path</th><th>JVMs</th><th>seen</th></tr>\n");
            for (Readiness.MergedSite site : client.getValue()) {
                html.append("<tr class=\"site\"><td class=\"num\">")
                        .append(site.count)
                        .append("</td><td><code>")
                        .append(Markup.escape(site.site))
                        .append("</code>");
                loadedFrom(html, site.loadedFrom);
                html.append("<details><summary>stack (")
                        .append(Math.min(site.stack.size(), MAX_FRAMES))
                        .append(" frames), thread ")
                        .append(Markup.escape(site.thread, 128))
                        .append(", site-id ")
                        .append(Markup.escape(site.id, 64))
                        .append("</summary><pre>");
                for (int i = 0; i < site.stack.size() && i < MAX_FRAMES; i++) {
                    html.append(i > 0 ? "\n" : "")
                            .append("at ")
                            .append(Markup.escape(site.stack.get(i)));
                }
                html.append("</pre></details>");
                foundByScan(html, site.origin);
                html.append("</td><td>")
                        .append(Markup.escape(site.method, 16))
                        .append("</td><td>")
                        .append(Markup.escape(site.actionsText(" ", ", ")))
                        .append("</td><td><code>")
                        .append(Markup.escape(site.examplePath))
                        .append("</code></td><td class=\"num\">")
                        .append(site.jvms.size())
                        .append("</td><td>")
                        .append(Markup.escape(site.firstSeen, 40))
                        .append(" to ")
                        .append(Markup.escape(site.lastSeen, 40))
                        .append("</td></tr>\n");
            }
            html.append("</table>\n");
        }
        if (service.unattributed > 0) {
            html.append("<p>")
                    .append(service.unattributed)
                    .append(
                            " more v1 call(s) without a listed call site (beyond the agent's cap).</p>\n");
        }
        html.append("</section>\n");
    }

    /** The archive, coordinates and fix of a run-time site's class, under the site. */
    private static void loadedFrom(StringBuilder html, LoadedReport.LoadedFrom from) {
        if (from == null) {
            return;
        }
        html.append("<div class=\"archive\">archive <code>")
                .append(Markup.escape(from.archive))
                .append("</code>");
        if (from.coordinates != null) {
            html.append(" coordinates <code>")
                    .append(Markup.escape(from.coordinates))
                    .append("</code>");
            if (from.coordinatesFrom != null) {
                html.append(" (from ").append(Markup.escape(from.coordinatesFrom)).append(')');
            }
        }
        if (from.remediation != null && !from.remediation.isEmpty()) {
            html.append("<br>fix: ").append(Markup.escape(from.remediation, 1000));
        }
        html.append("</div>");
    }
}
