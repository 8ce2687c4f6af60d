package io.imdsguard.agent.check;

import io.imdsguard.agent.log.Sanitizer;
import java.util.List;

/**
 * The verdict as text for a terminal or a CI log. Every value read from a report is escaped
 * (control characters, so no forged line and no terminal escape) and capped, because paths and
 * thread names in it may have been chosen by an attacker.
 */
final class TextVerdict {

    static final int MAX_TEXT = 300;
    private static final int MAX_JVMS_LISTED = 10;

    private TextVerdict() {}

    static String shown(String text) {
        return Sanitizer.forLog(text, MAX_TEXT);
    }

    static String verdictLine(Readiness readiness) {
        if (readiness.ready()) {
            return "READY: no IMDSv1 calls in "
                    + readiness.reports.size()
                    + " report(s) from "
                    + readiness.services.size()
                    + " service(s); HttpTokens=required will not break them";
        }
        return "NOT READY: "
                + readiness.allSites().size()
                + " IMDSv1 call site(s) in "
                + readiness.notReadyServices()
                + " of "
                + readiness.services.size()
                + " service(s) will fail under HttpTokens=required; move them to IMDSv2";
    }

    /**
     * The verdict line without its leading READY or NOT READY, for where that word is a heading.
     */
    static String verdictReason(Readiness readiness) {
        String line = verdictLine(readiness);
        return line.substring(line.indexOf(": ") + 2);
    }

    static String render(Readiness readiness) {
        StringBuilder out = new StringBuilder();
        out.append(verdictLine(readiness)).append("\n\n");
        for (Readiness.ServiceFindings service : readiness.services.values()) {
            out.append("service ").append(shown(service.name)).append(": ");
            if (service.ready()) {
                out.append("no IMDSv1 calls");
            } else {
                out.append(service.siteCount()).append(" IMDSv1 call site(s)");
                if (service.staticSiteCount() > 0) {
                    out.append(" (").append(service.staticSiteCount()).append(" found by scan)");
                }
                out.append(", ").append(service.v1).append(" v1 call(s)");
                if (service.blocked > 0) {
                    out.append(", ").append(service.blocked).append(" blocked");
                }
            }
            out.append("; ")
                    .append(service.jvms.size())
                    .append(" JVM(s): ")
                    .append(jvms(service.jvms))
                    .append('\n');
            for (Readiness.MergedSite site : service.sites()) {
                if (site.origin != null) {
                    staticSite(out, site);
                    continue;
                }
                out.append("  v1 call site ").append(shown(site.site)).append('\n');
                out.append("      service=")
                        .append(shown(site.service))
                        .append(" count=")
                        .append(site.count)
                        .append(" client=")
                        .append(shown(site.client))
                        .append(" method=")
                        .append(shown(site.method))
                        .append(" actions=")
                        .append(shown(site.actionsText(":", ",")))
                        .append(" path=")
                        .append(shown(site.examplePath).replace(" ", "%20"))
                        .append(" site-id=")
                        .append(shown(site.id))
                        .append(" jvms=")
                        .append(site.jvms.size())
                        .append('\n');
                loadedFrom(out, site.loadedFrom);
            }
            if (service.unattributed > 0) {
                out.append("  ")
                        .append(service.unattributed)
                        .append(
                                " more v1 call(s) without a listed call site (beyond the agent's cap of call sites)\n");
            }
        }
        List<Readiness.MergedDiagnosis> warnings = diagnoses(readiness);
        if (!warnings.isEmpty()) {
            out.append('\n');
            for (Readiness.MergedDiagnosis d : warnings) {
                out.append(warningLine(d)).append('\n');
            }
        }
        out.append('\n').append(totalsLine(readiness)).append('\n');
        out.append("summary: ").append(verdictLine(readiness)).append('\n');
        return out.toString();
    }

    /**
     * {@code archive=... coordinates=...} and {@code fix: ...} of a run-time site, when its report
     * said.
     */
    private static void loadedFrom(StringBuilder out, LoadedReport.LoadedFrom from) {
        if (from == null) {
            return;
        }
        out.append("      archive=").append(shown(from.archive).replace(" ", "%20"));
        if (from.coordinates != null) {
            out.append(" coordinates=").append(shown(from.coordinates));
            if (from.coordinatesFrom != null) {
                out.append(" (from ").append(shown(from.coordinatesFrom)).append(')');
            }
        }
        out.append('\n');
        if (from.remediation != null && !from.remediation.isEmpty()) {
            out.append("      fix: ").append(shown(from.remediation)).append('\n');
        }
    }

    /**
     * A v1 caller that {@code scan} found in an archive: it breaks under HttpTokens=required once
     * it runs.
     */
    private static void staticSite(StringBuilder out, Readiness.MergedSite site) {
        LoadedReport.StaticOrigin origin = site.origin;
        out.append("  v1 caller found by scan ").append(shown(site.site)).append('\n');
        out.append("      service=")
                .append(shown(site.service))
                .append(" archive=")
                .append(shown(origin.archive).replace(" ", "%20"))
                .append(" coordinates=")
                .append(shown(origin.coordinates));
        if (origin.library != null) {
            out.append(" library=").append(shown(origin.library).replace(" ", "%20"));
        }
        out.append(" site-id=").append(shown(site.id)).append('\n');
        if (!origin.remediation.isEmpty()) {
            out.append("      fix: ").append(shown(origin.remediation)).append('\n');
        }
    }

    static String warningLine(Readiness.MergedDiagnosis d) {
        return "WARNING "
                + shown(d.kind)
                + " in service "
                + shown(d.service)
                + " at "
                + shown(d.site)
                + " (client "
                + shown(d.client)
                + "): "
                + d.ratioText()
                + (d.advice.isEmpty() ? "" : "; " + shown(d.advice));
    }

    static List<Readiness.MergedDiagnosis> diagnoses(Readiness readiness) {
        List<Readiness.MergedDiagnosis> all = new java.util.ArrayList<Readiness.MergedDiagnosis>();
        for (Readiness.ServiceFindings service : readiness.services.values()) {
            all.addAll(service.diagnoses());
        }
        return all;
    }

    static String totalsLine(Readiness r) {
        return "totals: "
                + r.reports.size()
                + " report(s), "
                + r.services.size()
                + " service(s); "
                + r.total(Readiness.Total.V1)
                + " v1 call(s) from "
                + r.allSites().size()
                + " call site(s) ("
                + r.total(Readiness.Total.BLOCKED)
                + " blocked, "
                + r.total(Readiness.Total.UNATTRIBUTED)
                + " without a listed site), "
                + r.total(Readiness.Total.V2)
                + " v2 call(s), "
                + r.total(Readiness.Total.TOKEN)
                + " token request(s); "
                + diagnoses(r).size()
                + " warning(s)";
    }

    private static String jvms(List<LoadedReport> jvms) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < jvms.size() && i < MAX_JVMS_LISTED; i++) {
            LoadedReport jvm = jvms.get(i);
            text.append(i > 0 ? ", " : "")
                    .append(shown(jvm.where()))
                    .append(" mode ")
                    .append(shown(jvm.mode));
        }
        if (jvms.size() > MAX_JVMS_LISTED) {
            text.append(" and ").append(jvms.size() - MAX_JVMS_LISTED).append(" more");
        }
        return text.toString();
    }
}
