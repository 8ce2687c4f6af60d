package io.imdsguard.agent.scan;

import io.imdsguard.agent.environment.RuntimeInfo;
import io.imdsguard.agent.report.Json;
import io.imdsguard.agent.report.ReportJson;
import java.nio.charset.Charset;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The scan as a report of the agent's schema ({@code imds-guard-report}, version 1), so that {@code
 * check} merges it with the reports of running JVMs. Each IMDSv1 caller is a call site with {@code
 * "source": "static"}, a count of 0 (nothing ran) and where it was found; the findings that do not
 * break under {@code HttpTokens=required} are listed in {@code staticFindings} only.
 */
final class ScanJson {

    static final String MODE = "scan";
    static final String SOURCE = "static";

    private ScanJson() {}

    static String render(ScanResult result, RuntimeInfo runtime, long now) {
        StringBuilder json = new StringBuilder(4096);
        String at = Json.string(Json.instant(now));
        json.append("{\n");
        field(json, 1, "schema", Json.string(ReportJson.SCHEMA));
        field(json, 1, "schemaVersion", String.valueOf(ReportJson.SCHEMA_VERSION));
        field(json, 1, "agentVersion", Json.string(runtime.agentVersion()));
        field(json, 1, "service", Json.string(runtime.service()));
        field(json, 1, "host", Json.string(runtime.host()));
        field(json, 1, "pid", String.valueOf(runtime.pid()));
        field(json, 1, "container", "null");
        field(json, 1, "pod", "null");
        field(json, 1, "namespace", "null");
        field(json, 1, "jvm", Json.string(runtime.jvm()));
        field(json, 1, "mode", Json.string(MODE));
        field(json, 1, "source", Json.string(SOURCE));
        field(json, 1, "startedAt", Json.string(Json.instant(now - result.nanos / 1000000)));
        field(json, 1, "writtenAt", at);
        int v1 = result.count(Classification.V1_ONLY);
        json.append(
                        "  \"totals\": {\"v1\": 0, \"v2\": 0, \"token\": 0, \"otherCloud\": 0, \"unparsed\": 0, ")
                .append("\"v1CallSites\": ")
                .append(v1)
                .append(", \"v1Unattributed\": 0, \"rewritten\": 0, ")
                .append("\"rewriteDenied\": 0, \"rewriteFailed\": 0, \"blocked\": 0},\n");
        json.append("  \"scan\": {\"archives\": ")
                .append(result.archives)
                .append(", \"classes\": ")
                .append(result.classes)
                .append(", \"bytes\": ")
                .append(result.bytes)
                .append(", \"findings\": ")
                .append(result.findings.size())
                .append(", \"problems\": ")
                .append(strings(result.problems))
                .append("},\n");
        json.append("  \"diagnoses\": [],\n");
        json.append("  \"otherCloudCalls\": [],\n");
        json.append("  \"callSites\": [");
        int written = 0;
        for (Finding finding : result.findings) {
            if (finding.classification.breaksUnderRequired()) {
                json.append(written++ == 0 ? "\n" : ",\n");
                finding(json, finding, at, true);
            }
        }
        json.append(written == 0 ? "],\n" : "\n  ],\n");
        json.append("  \"staticFindings\": [");
        written = 0;
        for (Finding finding : result.findings) {
            if (!finding.classification.breaksUnderRequired()) {
                json.append(written++ == 0 ? "\n" : ",\n");
                finding(json, finding, at, false);
            }
        }
        json.append(written == 0 ? "]\n" : "\n  ]\n");
        return json.append("}\n").toString();
    }

    private static void finding(
            StringBuilder json, Finding finding, String at, boolean asCallSite) {
        json.append("    {\n");
        field(json, 3, "id", Json.string(id(finding)));
        field(json, 3, "source", Json.string(SOURCE));
        field(json, 3, "classification", Json.string(finding.classification.tag));
        if (asCallSite) {
            // the call-site fields check needs; nothing ran, so no client, method, thread or count
            field(json, 3, "client", Json.string("static scan"));
            field(json, 3, "method", Json.string("?"));
            field(
                    json,
                    3,
                    "pathCategory",
                    Json.string(finding.library != null ? "library" : "code"));
            field(
                    json,
                    3,
                    "examplePath",
                    Json.string(finding.constants().isEmpty() ? "" : finding.constants().get(0)));
        }
        field(json, 3, "site", Json.string(finding.site()));
        field(json, 3, "archive", Json.string(finding.artifact.path));
        Coordinates coordinates = finding.artifact.coordinates();
        field(json, 3, "coordinates", Json.string(coordinates.toString()));
        field(json, 3, "coordinatesFrom", Json.string(coordinates.from));
        field(
                json,
                3,
                "library",
                finding.library == null ? "null" : Json.string(finding.libraryText()));
        field(
                json,
                3,
                "class",
                finding.className() == null ? "null" : Json.string(finding.className()));
        field(
                json,
                3,
                "codeMethod",
                finding.methodName() == null ? "null" : Json.string(finding.methodName()));
        field(json, 3, "constants", strings(finding.constants()));
        field(json, 3, "remediation", Json.string(finding.remediation));
        if (asCallSite) {
            field(json, 3, "thread", Json.string("-"));
            field(json, 3, "count", "0");
            field(json, 3, "actions", "{}");
            field(json, 3, "lastReason", Json.string("none"));
            field(json, 3, "firstSeen", at);
            field(json, 3, "lastSeen", at);
        }
        json.append("      \"stack\": []\n");
        json.append("    }");
    }

    /** The same finding gives the same id in every scan: a hash of where it is and what it is. */
    static String id(Finding finding) {
        CRC32 crc = new CRC32();
        crc.update(
                ("static\n" + finding.artifact.path + "\n" + finding.site())
                        .getBytes(Charset.forName("UTF-8")));
        return String.format("%08x", crc.getValue());
    }

    private static String strings(List<String> values) {
        StringBuilder text = new StringBuilder("[");
        for (String value : values) {
            text.append(text.length() > 1 ? ", " : "").append(Json.string(value));
        }
        return text.append(']').toString();
    }

    private static void field(StringBuilder json, int depth, String name, String renderedValue) {
        for (int i = 0; i < depth; i++) {
            json.append("  ");
        }
        json.append('"').append(name).append("\": ").append(renderedValue).append(",\n");
    }
}
