package io.imdsguard.agent.diagnose;

import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.environment.RuntimeInfo;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.metrics.ImdsMetrics;

/** Diagnoses made through the real detectors, for tests outside this package (the report's). */
public final class DiagnosisFixtures {

    private DiagnosisFixtures() {}

    /**
     * One hop-limit diagnosis (2 timeouts, then v1) and one token-churn diagnosis (6 tokens, 6
     * reads).
     */
    public static DiagnosisRegistry hopLimitAndChurn(AgentLog log, final long now) {
        DiagnosisRegistry registry =
                new DiagnosisRegistry(log, RuntimeInfo.current("billing"), new ImdsMetrics());
        Diagnoses diagnoses =
                new Diagnoses(
                        registry,
                        new Diagnoses.Clock() {
                            @Override
                            public long millis() {
                                return now;
                            }
                        });
        CallerFrames sdk =
                CallerFrames.of(
                        new StackTraceElement[] {
                            new StackTraceElement(
                                    "com.amazonaws.internal.ConnectionUtils",
                                    "connectToEndpoint",
                                    "ConnectionUtils.java",
                                    71),
                        });
        for (int i = 0; i < 2; i++) {
            diagnoses.tokenRequested("HttpURLConnection", sdk, true);
            diagnoses.tokenFailedOnThisThread(TokenFailure.TIMEOUT);
            diagnoses.v1Call("HttpURLConnection", sdk);
        }
        CallerFrames app =
                CallerFrames.of(
                        new StackTraceElement[] {
                            new StackTraceElement(
                                    "com.acme.ImdsReader", "token", "ImdsReader.java", 20),
                        });
        for (int i = 0; i < 6; i++) {
            diagnoses.tokenRequested("java.net.http.HttpClient", app, true);
            diagnoses.v2Read();
        }
        return registry;
    }
}
