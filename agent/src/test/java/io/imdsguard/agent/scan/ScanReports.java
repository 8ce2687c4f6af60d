package io.imdsguard.agent.scan;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** A runtime report as the agent writes it, to merge with a scan's. */
final class ScanReports {

    private ScanReports() {}

    /** A JVM of {@code service} that made only IMDSv2 calls. */
    static Path runtimeV2Only(Path dir, String service) throws IOException {
        String json =
                "{\n\"schema\": \"imds-guard-report\", \"schemaVersion\": 1, \"agentVersion\": \"0.1.0\",\n"
                        + "\"service\": \""
                        + service
                        + "\", \"host\": \"ip-10-0-0-7\", \"pid\": 7, \"container\": null,\n"
                        + "\"pod\": null, \"namespace\": null, \"jvm\": \"Temurin 17\", \"mode\": \"report\",\n"
                        + "\"startedAt\": \"2026-11-23T13:23:34.221Z\", \"writtenAt\": \"2026-11-23T13:23:35.202Z\",\n"
                        + "\"totals\": {\"v1\": 0, \"v2\": 4, \"token\": 1, \"v1CallSites\": 0, \"v1Unattributed\": 0, "
                        + "\"rewritten\": 0, \"rewriteDenied\": 0, \"rewriteFailed\": 0, \"blocked\": 0},\n"
                        + "\"callSites\": []\n}\n";
        Files.createDirectories(dir);
        return Files.write(dir.resolve(service + "-7.json"), json.getBytes(StandardCharsets.UTF_8));
    }
}
