package io.imdsguard.agent.metrics;

import io.imdsguard.agent.log.AgentLog;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.ipc.http.HttpUrlConnectionSender;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpHttpMetricsSender;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.micrometer.registry.otlp.OtlpMetricsSender;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Pushes the meters to an OpenTelemetry collector over OTLP/HTTP (protobuf), with Micrometer's own
 * OTLP registry. The resource's {@code service.name} is the agent's service unless {@code
 * OTEL_SERVICE_NAME} or {@code OTEL_RESOURCE_ATTRIBUTES} name one, as any OTLP exporter does.
 */
final class OtlpExporter {

    static final String KEY = "otlp.endpoint";

    private OtlpExporter() {}

    static OtlpMeterRegistry start(
            final String url, final long stepMillis, final String service, AgentLog log) {
        OtlpConfig config =
                new OtlpConfig() {
                    @Override
                    public String get(String key) {
                        return null;
                    }

                    @Override
                    public String url() {
                        return url;
                    }

                    @Override
                    public Duration step() {
                        return Duration.ofMillis(stepMillis);
                    }

                    @Override
                    public Duration connectTimeout() {
                        return Duration.ofSeconds(1);
                    }

                    @Override
                    public Duration readTimeout() {
                        // A collector that hangs must not hold the last push at JVM exit for long.
                        return Duration.ofSeconds(2);
                    }

                    @Override
                    public Map<String, String> resourceAttributes() {
                        Map<String, String> attributes =
                                new HashMap<String, String>(OtlpConfig.super.resourceAttributes());
                        if (!attributes.containsKey("service.name")
                                || "unknown_service".equals(attributes.get("service.name"))) {
                            attributes.put("service.name", service);
                        }
                        return attributes;
                    }
                };
        return OtlpMeterRegistry.builder(config)
                .clock(Clock.SYSTEM)
                .threadFactory(new DaemonThreads("imds-guard-otlp"))
                .metricsSender(
                        new OnceLoggingSender(
                                new OtlpHttpMetricsSender(new HttpUrlConnectionSender()), url, log))
                .build();
    }

    /**
     * Says once that the collector cannot be reached (and once that it can again), instead of
     * Micrometer's warning at every step; the push is retried at every step either way.
     */
    static final class OnceLoggingSender implements OtlpMetricsSender {
        private final OtlpMetricsSender delegate;
        private final String url;
        private final AgentLog log;
        private volatile boolean failing;

        OnceLoggingSender(OtlpMetricsSender delegate, String url, AgentLog log) {
            this.delegate = delegate;
            this.url = url;
            this.log = log;
        }

        @Override
        public void send(Request request) {
            try {
                delegate.send(request);
                if (failing) {
                    failing = false;
                    log.info("pushing metrics to " + url + " again (key '" + KEY + "')");
                }
            } catch (Throwable e) {
                if (!failing) {
                    failing = true;
                    log.info(
                            "cannot push metrics to "
                                    + url
                                    + " (key '"
                                    + KEY
                                    + "'): "
                                    + e
                                    + "; retrying every step, said once; the application is unaffected");
                }
            }
        }
    }
}
