package io.imdsguard.agent.metrics;

import io.imdsguard.agent.log.AgentLog;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Starts the push and JMX exporters the configuration asks for: off the start-up path, on a daemon
 * thread, so that neither a slow DNS lookup nor JMX initialisation delays the application, and no
 * exporter keeps the JVM alive. A failing exporter is reported once, naming its key, and the others
 * and the application go on. At JVM exit the push exporters send what the last step counted.
 */
public final class MetricsExporters {

    /** What the keys ask for; null or false for an exporter that is off. */
    public static final class Settings {
        String otlpEndpoint;
        long otlpIntervalMillis;
        String statsdHost;
        int statsdPort;
        String statsdFlavor;
        boolean jmx;

        public Settings otlp(String endpoint, long intervalMillis) {
            this.otlpEndpoint = endpoint;
            this.otlpIntervalMillis = intervalMillis;
            return this;
        }

        public Settings statsd(String host, int port, String flavor) {
            this.statsdHost = host;
            this.statsdPort = port;
            this.statsdFlavor = flavor;
            return this;
        }

        public Settings jmx(boolean on) {
            this.jmx = on;
            return this;
        }

        public boolean any() {
            return otlpEndpoint != null || statsdHost != null || jmx;
        }
    }

    /** StatsD agents flush every 10 s; a shorter step would only send more packets. */
    static final long STATSD_STEP_MILLIS = 10_000;

    private final List<MeterRegistry> started = new CopyOnWriteArrayList<MeterRegistry>();

    private MetricsExporters() {}

    /**
     * {@code beforeOtlp} runs on the starting thread before the OTLP exporter loads the bundled
     * protobuf (the weaving layer keeps that protobuf away from {@code sun.misc.Unsafe}); it is
     * handed in so that metrics does not depend on the weaving machinery.
     */
    public static void startInBackground(
            final Settings settings,
            final ImdsMetrics metrics,
            final String service,
            final Runnable beforeOtlp,
            final AgentLog log) {
        if (!settings.any()) {
            return;
        }
        final MetricsExporters exporters = new MetricsExporters();
        Thread starter =
                new Thread(
                        new Runnable() {
                            @Override
                            public void run() {
                                exporters.start(settings, metrics, service, beforeOtlp, log);
                            }
                        },
                        "imds-guard-exporters-start");
        starter.setDaemon(true);
        starter.start();
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                new Runnable() {
                                    @Override
                                    public void run() {
                                        exporters.closeAll(log);
                                    }
                                },
                                "imds-guard-exporters-exit"));
    }

    void start(
            Settings settings,
            ImdsMetrics metrics,
            String service,
            Runnable beforeOtlp,
            AgentLog log) {
        if (settings.otlpEndpoint != null) {
            try {
                beforeOtlp.run();
                add(
                        metrics,
                        OtlpExporter.start(
                                settings.otlpEndpoint, settings.otlpIntervalMillis, service, log));
                log.info(
                        "pushing metrics over OTLP to "
                                + settings.otlpEndpoint
                                + " every "
                                + settings.otlpIntervalMillis / 1000.0
                                + " s");
            } catch (Throwable t) {
                log.info(
                        "cannot push metrics over OTLP (key 'otlp.endpoint'): "
                                + t
                                + "; detection and reports go on without it");
            }
        }
        if (settings.statsdHost != null) {
            try {
                add(
                        metrics,
                        StatsdPushRegistry.start(
                                settings.statsdHost,
                                settings.statsdPort,
                                settings.statsdFlavor,
                                STATSD_STEP_MILLIS,
                                log));
                log.info(
                        "sending metrics to StatsD ("
                                + settings.statsdFlavor
                                + ") at "
                                + settings.statsdHost
                                + ":"
                                + settings.statsdPort
                                + " every "
                                + STATSD_STEP_MILLIS / 1000
                                + " s");
            } catch (Throwable t) {
                log.info(
                        "cannot send metrics to StatsD (keys 'statsd.host', 'statsd.port'): "
                                + t
                                + "; detection and reports go on without it");
            }
        }
        if (settings.jmx) {
            try {
                add(metrics, JmxExporter.start());
                log.info(
                        "metrics exposed as MBeans in the JMX domain '" + JmxExporter.DOMAIN + "'");
            } catch (Throwable t) {
                log.info(
                        "cannot expose metrics as MBeans (key 'jmx.metrics'): "
                                + t
                                + "; detection and reports go on without it");
            }
        }
    }

    private void add(ImdsMetrics metrics, MeterRegistry registry) {
        started.add(registry);
        metrics.addRegistry(registry);
    }

    void closeAll(AgentLog log) {
        for (MeterRegistry registry : started) {
            try {
                registry.close();
            } catch (Throwable t) {
                log.internalError("closing " + registry.getClass().getSimpleName(), t);
            }
        }
    }
}
