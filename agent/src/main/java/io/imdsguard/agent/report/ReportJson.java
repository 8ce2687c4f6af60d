package io.imdsguard.agent.report;

import io.imdsguard.agent.callsite.CallSite;
import io.imdsguard.agent.callsite.CallSiteRegistry;
import io.imdsguard.agent.callsite.OtherCloudCalls;
import io.imdsguard.agent.callsite.RequestTotals;
import io.imdsguard.agent.detect.ImdsVersion;
import io.imdsguard.agent.diagnose.DiagnosisRegistry;
import io.imdsguard.agent.environment.RuntimeInfo;
import io.imdsguard.agent.policy.Action;
import java.util.List;

/**
 * Renders the JSON report; its schema is documented in docs/report.md ("JSON report"). Bump {@link
 * #SCHEMA_VERSION} on any incompatible change, so that readers can refuse what they do not
 * understand.
 */
public final class ReportJson {

    public static final String SCHEMA = "imds-guard-report";
    public static final int SCHEMA_VERSION = 1;

    private ReportJson() {}

    public static String render(
            RuntimeInfo runtime,
            String mode,
            RequestTotals totals,
            CallSiteRegistry registry,
            long now) {
        return render(runtime, mode, totals, registry, null, now);
    }

    /**
     * @param diagnoses the diagnoses made so far; null for none
     */
    public static String render(
            RuntimeInfo runtime,
            String mode,
            RequestTotals totals,
            CallSiteRegistry registry,
            DiagnosisRegistry diagnoses,
            long now) {
        List<CallSite> sites = registry.snapshot();
        StringBuilder json = new StringBuilder(1024 + sites.size() * 1024);
        json.append("{\n");
        field(json, 1, "schema", Json.string(SCHEMA));
        field(json, 1, "schemaVersion", String.valueOf(SCHEMA_VERSION));
        field(json, 1, "agentVersion", Json.string(runtime.agentVersion()));
        field(json, 1, "service", Json.string(runtime.service()));
        field(json, 1, "host", Json.string(runtime.host()));
        field(json, 1, "pid", String.valueOf(runtime.pid()));
        field(json, 1, "container", Json.string(runtime.container()));
        field(json, 1, "pod", Json.string(runtime.pod()));
        field(json, 1, "namespace", Json.string(runtime.namespace()));
        field(json, 1, "jvm", Json.string(runtime.jvm()));
        field(json, 1, "mode", Json.string(mode));
        field(json, 1, "startedAt", Json.string(Json.instant(runtime.startedAt())));
        field(json, 1, "writtenAt", Json.string(Json.instant(now)));
        json.append("  \"totals\": {")
                .append("\"v1\": ")
                .append(totals.get(ImdsVersion.V1))
                .append(", \"v2\": ")
                .append(totals.get(ImdsVersion.V2))
                .append(", \"token\": ")
                .append(totals.get(ImdsVersion.TOKEN))
                .append(", \"otherCloud\": ")
                .append(totals.get(ImdsVersion.OTHER_CLOUD))
                .append(", \"unparsed\": ")
                .append(totals.get(ImdsVersion.UNPARSED))
                .append(", \"v1CallSites\": ")
                .append(sites.size())
                .append(", \"v1Unattributed\": ")
                .append(registry.overflow())
                .append(", \"rewritten\": ")
                .append(totals.get(Action.REWRITTEN))
                .append(", \"rewriteDenied\": ")
                .append(totals.get(Action.REWRITE_DENIED))
                .append(", \"rewriteFailed\": ")
                .append(totals.get(Action.REWRITE_FAILED))
                .append(", \"blocked\": ")
                .append(totals.get(Action.BLOCKED))
                .append("},\n");
        json.append("  \"diagnoses\": ").append(DiagnosesJson.array(diagnoses)).append(",\n");
        json.append("  \"otherCloudCalls\": [");
        List<OtherCloudCalls.Entry> others = registry.otherClouds().snapshot();
        for (int i = 0; i < others.size(); i++) {
            OtherCloudCalls.Entry e = others.get(i);
            json.append(i == 0 ? "\n    {" : ",\n    {")
                    .append("\"cloud\": ")
                    .append(Json.string(e.cloud().tag()))
                    .append(", \"client\": ")
                    .append(Json.string(e.client()))
                    .append(", \"method\": ")
                    .append(Json.string(e.method()))
                    .append(", \"examplePath\": ")
                    .append(Json.string(e.examplePath()))
                    .append(", \"site\": ")
                    .append(Json.string(e.site()))
                    .append(", \"count\": ")
                    .append(e.count())
                    .append('}');
        }
        json.append(others.isEmpty() ? "],\n" : "\n  ],\n");
        json.append("  \"callSites\": [");
        for (int i = 0; i < sites.size(); i++) {
            json.append(i == 0 ? "\n" : ",\n");
            callSite(json, sites.get(i));
        }
        json.append(sites.isEmpty() ? "]\n" : "\n  ]\n");
        return json.append("}\n").toString();
    }

    private static void callSite(StringBuilder json, CallSite site) {
        json.append("    {\n");
        field(json, 3, "id", Json.string(site.id()));
        field(json, 3, "client", Json.string(site.client()));
        field(json, 3, "method", Json.string(site.method()));
        field(json, 3, "pathCategory", Json.string(site.pathCategory()));
        field(json, 3, "examplePath", Json.string(site.examplePath()));
        field(json, 3, "site", Json.string(site.site()));
        field(
                json,
                3,
                "applicationFrame",
                site.applicationFrame() == null ? "null" : Json.string(site.applicationFrame()));
        field(json, 3, "library", site.library() == null ? "null" : Json.string(site.library()));
        field(json, 3, "archive", nullable(site.archive()));
        field(json, 3, "coordinates", nullable(site.coordinates()));
        field(json, 3, "coordinatesFrom", nullable(site.coordinatesFrom()));
        field(json, 3, "remediation", nullable(site.remediation()));
        field(json, 3, "thread", Json.string(site.thread()));
        field(json, 3, "count", String.valueOf(site.count()));
        StringBuilder actions = new StringBuilder("{");
        for (java.util.Map.Entry<String, Long> taken : site.actions().entrySet()) {
            actions.append(actions.length() > 1 ? ", " : "")
                    .append(Json.string(taken.getKey()))
                    .append(": ")
                    .append(taken.getValue());
        }
        field(json, 3, "actions", actions.append('}').toString());
        field(json, 3, "lastReason", Json.string(site.lastReason()));
        field(json, 3, "firstSeen", Json.string(Json.instant(site.firstSeen())));
        field(json, 3, "lastSeen", Json.string(Json.instant(site.lastSeen())));
        json.append("      \"stack\": [");
        List<String> frames = site.frames();
        for (int i = 0; i < frames.size(); i++) {
            json.append(i == 0 ? "\n        " : ",\n        ").append(Json.string(frames.get(i)));
        }
        json.append(frames.isEmpty() ? "]\n" : "\n      ]\n");
        json.append("    }");
    }

    private static String nullable(String value) {
        return value == null ? "null" : Json.string(value);
    }

    private static void field(StringBuilder json, int depth, String name, String renderedValue) {
        for (int i = 0; i < depth; i++) {
            json.append("  ");
        }
        json.append('"').append(name).append("\": ").append(renderedValue).append(",\n");
    }
}
