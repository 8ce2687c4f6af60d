package io.imdsguard.agent;

import io.imdsguard.agent.callsite.CallSiteRegistry;
import io.imdsguard.agent.callsite.RequestTotals;
import io.imdsguard.agent.config.AgentConfig;
import io.imdsguard.agent.config.ConfigLoader;
import io.imdsguard.agent.config.ConfigResult;
import io.imdsguard.agent.config.Mode;
import io.imdsguard.agent.control.AgentControl;
import io.imdsguard.agent.control.AgentStatus;
import io.imdsguard.agent.control.ImdsGuardJmx;
import io.imdsguard.agent.detect.ImdsEndpoints;
import io.imdsguard.agent.diagnose.Diagnoses;
import io.imdsguard.agent.diagnose.DiagnosisRegistry;
import io.imdsguard.agent.environment.RuntimeInfo;
import io.imdsguard.agent.instrument.ClientSetup;
import io.imdsguard.agent.instrument.ProtobufWithoutUnsafe;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.metrics.ApplicationMicrometerWatch;
import io.imdsguard.agent.metrics.ImdsMetrics;
import io.imdsguard.agent.metrics.MetricsExporters;
import io.imdsguard.agent.metrics.MicrometerLogging;
import io.imdsguard.agent.metrics.PrometheusEndpoint;
import io.imdsguard.agent.observe.RequestObserver;
import io.imdsguard.agent.report.Reporter;
import io.imdsguard.agent.rewrite.LazyTokenProvider;
import java.lang.instrument.Instrumentation;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/** Wires the agent together once its configuration is known to be good; see AgentStart for when. */
final class AgentRuntime {

    /**
     * How long after premain the JMX MBean is registered; see ImdsGuardJmx.registerInBackground.
     */
    private static final long JMX_DELAY_AFTER_PREMAIN_MILLIS = 2000;

    private final AgentConfig config;
    private final AgentControl control;
    private final AgentLog log;
    private final Reporter reporter;
    private final ClientSetup clientSetup;

    private AgentRuntime(
            AgentConfig config,
            AgentControl control,
            AgentLog log,
            Reporter reporter,
            ClientSetup clientSetup) {
        this.config = config;
        this.control = control;
        this.log = log;
        this.reporter = reporter;
        this.clientSetup = clientSetup;
    }

    /** What the client instrumentation reports to. */
    ClientSetup clientSetup() {
        return clientSetup;
    }

    /** The JVM is exiting: the last report and the summary line. */
    void atExit() {
        reporter.atExit();
    }

    /**
     * @param attached true when loaded into a running JVM (agentmain), false for -javaagent
     * @return the running agent, or null when the configuration is bad and the agent stays off
     */
    static AgentRuntime start(String arguments, Instrumentation instrumentation, boolean attached) {
        ConfigResult result = ConfigLoader.load(arguments, systemProperties(), System.getenv());
        if (!result.ok()) {
            AgentLog log = AgentLog.toStandardError(false);
            for (String error : result.errors()) {
                log.info("configuration error: " + error);
            }
            log.info(
                    "imds-guard is OFF in this JVM until the configuration above is fixed; "
                            + "the application runs unchanged");
            return null;
        }
        AgentConfig config = result.config();
        AgentLog log = AgentLog.open(config.logPath(), config.debug());
        RuntimeInfo runtime = RuntimeInfo.current(config.serviceName());

        MicrometerLogging.install(log);
        ImdsMetrics metrics =
                new ImdsMetrics(runtime.service(), runtime.host(), config.metricsSitesMax(), log);
        RequestTotals totals = new RequestTotals();
        CallSiteRegistry callSites = new CallSiteRegistry();
        metrics.trackCallSites(
                callSites,
                new java.util.function.ToDoubleFunction<CallSiteRegistry>() {
                    @Override
                    public double applyAsDouble(CallSiteRegistry sites) {
                        return sites.size();
                    }
                });
        Reporter reporter =
                new Reporter(
                        log, runtime, config.mode().id(), totals, callSites, config.reportPath());
        // Made only when rewrite mode first needs a token: the mode can change at run time.
        LazyTokenProvider tokens =
                new LazyTokenProvider(
                        config.tokenConnectTimeoutMillis(),
                        config.tokenReadTimeoutMillis(),
                        config.tokenTtlSeconds(),
                        log,
                        metrics);
        AgentStatus status =
                new AgentStatus(runtime.agentVersion(), config.logPath(), config.reportPath());
        AgentControl control = new AgentControl(config, tokens, log, reporter, status);
        Diagnoses diagnoses =
                new Diagnoses(
                        new DiagnosisRegistry(log, runtime, metrics), Diagnoses.systemClock());
        reporter.reportDiagnoses(diagnoses.registry());
        RequestObserver observer =
                new RequestObserver(metrics, totals, callSites, reporter, control, diagnoses);
        ImdsEndpoints endpoints = ImdsEndpoints.forThisJvm(config.endpoint());

        ClientSetup clientSetup = new ClientSetup(endpoints, observer, tokens, diagnoses, log);
        reporter.startPeriodicWrites(config.reportIntervalSeconds());
        log.info(
                "imds-guard "
                        + runtime.agentVersion()
                        + (attached ? " attached" : " started")
                        + ": mode="
                        + config.mode().id()
                        + (config.mode() == Mode.REWRITE
                                ? " rewrite.callers=" + join(config.rewriteCallers())
                                : "")
                        + " "
                        + runtime.where()
                        + (config.reportPath() != null ? " report=" + config.reportPath() : "")
                        + (config.prometheusPort() != null
                                ? " prometheus="
                                        + config.prometheusHost()
                                        + ":"
                                        + config.prometheusPort()
                                : ""));
        startPrometheusInBackground(config, metrics, log);
        status.publish(config.mode().id());
        ImdsGuardJmx.registerInBackground(
                new ImdsGuardJmx(control, totals, callSites, reporter, runtime.service()),
                attached ? 0 : JMX_DELAY_AFTER_PREMAIN_MILLIS,
                attached || config.jmxControl(),
                log);
        MetricsExporters.Settings exporters =
                new MetricsExporters.Settings()
                        .otlp(config.otlpEndpoint(), config.otlpIntervalMillis())
                        .statsd(config.statsdHost(), config.statsdPort(), config.statsdFlavor())
                        .jmx(config.jmxMetrics());
        if (exporters.any()) {
            // Checked here: merely loading MetricsExporters loads the exporters' Micrometer
            // classes.
            MetricsExporters.startInBackground(
                    exporters,
                    metrics,
                    runtime.service(),
                    new Runnable() {
                        @Override
                        public void run() {
                            ProtobufWithoutUnsafe.install(instrumentation, log);
                        }
                    },
                    log);
        }
        if (config.metricsGlobal()) {
            // It also finds a Metrics class that the application loaded while the agent was
            // starting.
            ApplicationMicrometerWatch.install(instrumentation, metrics, log);
        }
        return new AgentRuntime(config, control, log, reporter, clientSetup);
    }

    /**
     * The agent is already running and is started again (a second attach, or an attach to a JVM
     * started with -javaagent): change what can change at run time, never instrument twice.
     */
    void reconfigure(String arguments) {
        ConfigResult requested =
                ConfigLoader.load(
                        arguments,
                        java.util.Collections.<String, String>emptyMap(),
                        java.util.Collections.<String, String>emptyMap());
        if (!requested.ok()) {
            for (String error : requested.errors()) {
                log.info("attach: configuration error: " + error);
            }
            log.info(
                    "attach: nothing changed; imds-guard keeps running as before (mode="
                            + control.mode().id()
                            + ")");
            return;
        }
        control.applyAttach(requested.config(), ConfigLoader.keysIn(arguments), config);
    }

    private static String join(java.util.List<String> parts) {
        StringBuilder text = new StringBuilder();
        for (String part : parts) {
            text.append(text.length() > 0 ? ";" : "").append(part);
        }
        return text.toString();
    }

    /**
     * Off the start-up path, and on a daemon thread so that the endpoint never keeps the JVM alive.
     */
    private static void startPrometheusInBackground(
            final AgentConfig config, final ImdsMetrics metrics, final AgentLog log) {
        if (config.prometheusPort() == null) {
            return;
        }
        Thread starter =
                new Thread(
                        new Runnable() {
                            @Override
                            public void run() {
                                try {
                                    PrometheusEndpoint endpoint =
                                            PrometheusEndpoint.start(
                                                    metrics,
                                                    config.prometheusHost(),
                                                    config.prometheusPort());
                                    log.info("Prometheus metrics at " + endpoint.url());
                                } catch (Exception e) {
                                    log.info(
                                            "cannot serve Prometheus metrics on "
                                                    + config.prometheusHost()
                                                    + ":"
                                                    + config.prometheusPort()
                                                    + " (keys 'prometheus.host', 'prometheus.port'): "
                                                    + e
                                                    + "; detection and reports go on without it");
                                } catch (Throwable t) {
                                    log.internalError("Prometheus endpoint", t);
                                }
                            }
                        },
                        "imds-guard-prometheus-start");
        starter.setDaemon(true);
        starter.start();
    }

    private static Map<String, String> systemProperties() {
        Map<String, String> map = new HashMap<String, String>();
        Properties properties = System.getProperties();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name));
        }
        return map;
    }
}
