package io.imdsguard.agent.report;

import io.imdsguard.agent.diagnose.Diagnosis;
import io.imdsguard.agent.diagnose.DiagnosisRegistry;
import java.util.List;
import java.util.Locale;

/** The report's top-level {@code diagnoses} array; its fields are documented in docs/report.md. */
final class DiagnosesJson {

    private DiagnosesJson() {}

    static String array(DiagnosisRegistry registry) {
        List<Diagnosis> diagnoses =
                registry != null
                        ? registry.snapshot()
                        : java.util.Collections.<Diagnosis>emptyList();
        if (diagnoses.isEmpty()) {
            return "[]";
        }
        StringBuilder json = new StringBuilder("[");
        for (int i = 0; i < diagnoses.size(); i++) {
            json.append(i == 0 ? "\n" : ",\n");
            entry(json, diagnoses.get(i));
        }
        return json.append("\n  ]").toString();
    }

    private static void entry(StringBuilder json, Diagnosis d) {
        Double ratio = d.tokensPerRead();
        json.append("    {")
                .append("\"kind\": ")
                .append(Json.string(d.kind().id()))
                .append(", \"site\": ")
                .append(Json.string(d.site()))
                .append(", \"client\": ")
                .append(Json.string(d.client()))
                .append(", \"count\": ")
                .append(d.count())
                .append(", \"failure\": ")
                .append(Json.string(d.failure()))
                .append(", \"tokens\": ")
                .append(d.tokens())
                .append(", \"reads\": ")
                .append(d.reads())
                .append(", \"tokensPerRead\": ")
                .append(ratio == null ? "null" : String.format(Locale.ROOT, "%.2f", ratio))
                .append(", \"advice\": ")
                .append(Json.string(d.advice()))
                .append(", \"firstSeen\": ")
                .append(Json.string(Json.instant(d.firstSeen())))
                .append(", \"lastSeen\": ")
                .append(Json.string(Json.instant(d.lastSeen())))
                .append('}');
    }
}
