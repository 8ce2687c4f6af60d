package io.imdsguard.agent.check;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Crafts report files as the agent writes them (schema imds-guard-report, version 1). */
final class Reports {

    private Reports() {}

    static String site(
            String id, String frame, String client, long count, String actions, String path) {
        return "{\"id\": \""
                + id
                + "\", \"client\": \""
                + client
                + "\", \"method\": \"GET\", \"pathCategory\": "
                + "\"meta-data\", \"examplePath\": \""
                + path
                + "\", \"site\": \""
                + frame
                + "\", \"thread\": \"main\", "
                + "\"count\": "
                + count
                + ", \"actions\": "
                + actions
                + ", \"lastReason\": \"none\", "
                + "\"firstSeen\": \"2026-11-23T13:23:34.812Z\", \"lastSeen\": \"2026-11-23T13:23:34.881Z\", "
                + "\"stack\": [\""
                + frame
                + "\", \"com.acme.Main.main(Main.java:3)\"]}";
    }

    static String report(
            String service,
            long pid,
            String mode,
            long v1,
            long blocked,
            String sites,
            String extraTopLevel) {
        return "{\n\"schema\": \"imds-guard-report\", \"schemaVersion\": 1, \"agentVersion\": \"0.1.0\",\n"
                + "\"service\": \""
                + service
                + "\", \"host\": \"ip-10-0-0-"
                + pid
                + "\", \"pid\": "
                + pid
                + ",\n"
                + "\"container\": null, \"pod\": \""
                + service
                + "-"
                + pid
                + "\", \"namespace\": \"prod\",\n"
                + "\"jvm\": \"Temurin 17\", \"mode\": \""
                + mode
                + "\", \"startedAt\": \"2026-11-23T13:23:34.221Z\",\n"
                + "\"writtenAt\": \"2026-11-23T13:23:35.202Z\",\n"
                + "\"totals\": {\"v1\": "
                + v1
                + ", \"v2\": 2, \"token\": 1, \"v1CallSites\": 1, \"v1Unattributed\": 0, "
                + "\"rewritten\": 0, \"rewriteDenied\": 0, \"rewriteFailed\": 0, \"blocked\": "
                + blocked
                + "},\n"
                + "\"callSites\": ["
                + sites
                + "]"
                + extraTopLevel
                + "\n}\n";
    }

    static String v1Report(String service, long pid, long count) {
        return report(
                service,
                pid,
                "report",
                count,
                0,
                site(
                        "24353b36",
                        "com.acme.legacy.Info.instanceId(Info.java:23)",
                        "HttpURLConnection",
                        count,
                        "{\"observed\": " + count + "}",
                        "/latest/meta-data/instance-id"),
                "");
    }

    static String cleanReport(String service, long pid) {
        return report(service, pid, "report", 0, 0, "", "");
    }

    static Path write(Path dir, String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, content.getBytes(StandardCharsets.UTF_8));
        return file;
    }
}
