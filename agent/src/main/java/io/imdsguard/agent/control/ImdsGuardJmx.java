package io.imdsguard.agent.control;

import io.imdsguard.agent.callsite.CallSiteRegistry;
import io.imdsguard.agent.callsite.RequestTotals;
import io.imdsguard.agent.config.ConfigException;
import io.imdsguard.agent.config.ConfigKey;
import io.imdsguard.agent.config.Mode;
import io.imdsguard.agent.detect.ImdsVersion;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.policy.Action;
import io.imdsguard.agent.report.Reporter;
import java.lang.management.ManagementFactory;
import java.util.List;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;

/** The {@link ImdsGuardMXBean}: reads the agent's counters, and changes its mode when allowed. */
public final class ImdsGuardJmx implements ImdsGuardMXBean {

    public static final String OBJECT_NAME = "io.imdsguard:type=ImdsGuard";

    private final AgentControl control;
    private final RequestTotals totals;
    private final CallSiteRegistry callSites;
    private final Reporter reporter;
    private final String serviceName;

    public ImdsGuardJmx(
            AgentControl control,
            RequestTotals totals,
            CallSiteRegistry callSites,
            Reporter reporter,
            String serviceName) {
        this.control = control;
        this.totals = totals;
        this.callSites = callSites;
        this.reporter = reporter;
        this.serviceName = serviceName;
    }

    /**
     * Registers the MBean on a daemon thread, never on the start-up path, and never failing the
     * application. After an attach, or with jmx.control=true, it is registered at once (after
     * {@code delayMillis}). Otherwise it waits until the JVM uses JMX anyway (a JMX port, a local
     * JMX connection such as JConsole's, or an MBean server the application made), so that a JVM
     * without JMX never pays for creating one: that initialises JMX and java.util.logging, which
     * takes time and must not happen before the application's main has set up its own logging.
     */
    public static void registerInBackground(
            final ImdsGuardJmx bean,
            final long delayMillis,
            final boolean evenWithoutJmx,
            final AgentLog log) {
        Thread registrar =
                new Thread(
                        new Runnable() {
                            @Override
                            public void run() {
                                try {
                                    Thread.sleep(delayMillis);
                                    while (!evenWithoutJmx && !jmxInUse()) {
                                        Thread.sleep(JMX_CHECK_INTERVAL_MILLIS);
                                    }
                                    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
                                    ObjectName name = new ObjectName(OBJECT_NAME);
                                    if (!server.isRegistered(name)) {
                                        server.registerMBean(bean, name);
                                    }
                                    log.debug("JMX MBean " + OBJECT_NAME + " registered");
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                } catch (Throwable t) {
                                    log.once(
                                            "jmx-register",
                                            "cannot register the JMX MBean "
                                                    + OBJECT_NAME
                                                    + " (detection and"
                                                    + " reports go on without it): "
                                                    + t);
                                }
                            }
                        },
                        "imds-guard-jmx");
        registrar.setDaemon(true);
        registrar.start();
    }

    /**
     * How often a JVM without JMX is checked again; a check reads three properties and one list.
     */
    private static final long JMX_CHECK_INTERVAL_MILLIS = 5000;

    /** Whether something in this JVM serves or made an MBean server, without making one. */
    static boolean jmxInUse() {
        if (System.getProperty("com.sun.management.jmxremote") != null
                || System.getProperty("com.sun.management.jmxremote.port") != null
                || System.getProperty("com.sun.management.jmxremote.localConnectorAddress")
                        != null) {
            return true;
        }
        try {
            return !MBeanServerFactory.findMBeanServer(null).isEmpty();
        } catch (SecurityException e) {
            return false;
        }
    }

    @Override
    public String getMode() {
        return control.mode().id();
    }

    @Override
    public void setMode(String mode) {
        control.checkJmxControl();
        control.change((Mode) parse(ConfigKey.MODE, mode), null, AgentControl.BY_JMX);
    }

    @Override
    public String getRewriteCallers() {
        return AgentControl.join(control.rewriteCallers());
    }

    @Override
    @SuppressWarnings("unchecked")
    public void setRewriteCallers(String callers) {
        control.checkJmxControl();
        control.change(
                null,
                (List<String>) parse(ConfigKey.REWRITE_CALLERS, callers),
                AgentControl.BY_JMX);
    }

    @Override
    public boolean isJmxControl() {
        return control.jmxControl();
    }

    private static Object parse(ConfigKey key, String value) {
        try {
            return key.parse(value == null ? "" : value);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(
                    "bad value for '"
                            + key.key()
                            + "': "
                            + e.getMessage()
                            + "; accepted: "
                            + key.accepted());
        }
    }

    @Override
    public long getV1Requests() {
        return totals.get(ImdsVersion.V1);
    }

    @Override
    public long getV2Requests() {
        return totals.get(ImdsVersion.V2);
    }

    @Override
    public long getTokenRequests() {
        return totals.get(ImdsVersion.TOKEN);
    }

    @Override
    public long getV1CallSites() {
        return callSites.snapshot().size();
    }

    @Override
    public long getRewritten() {
        return totals.get(Action.REWRITTEN);
    }

    @Override
    public long getRewriteDenied() {
        return totals.get(Action.REWRITE_DENIED);
    }

    @Override
    public long getRewriteFailed() {
        return totals.get(Action.REWRITE_FAILED);
    }

    @Override
    public long getBlocked() {
        return totals.get(Action.BLOCKED);
    }

    @Override
    public String getServiceName() {
        return serviceName;
    }

    @Override
    public String getReportPath() {
        return reporter.reportPath() == null ? "" : reporter.reportPath();
    }

    @Override
    public String writeReport() {
        if (reporter.reportPath() == null) {
            return "no report: imds-guard runs without the key 'report' in this JVM; set it when the agent starts"
                    + " (e.g. -javaagent:imds-guard-agent.jar=report=<path>, or attach with report=<path>)";
        }
        String path = reporter.writeReportNow();
        return path != null
                ? path
                : "the report '"
                        + reporter.reportPath()
                        + "' cannot be written; see the agent's log";
    }
}
