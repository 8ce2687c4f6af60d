package io.imdsguard.agent.metrics;

import io.imdsguard.agent.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Watches class loading for the application's own {@code io.micrometer.core.instrument.Metrics} and
 * then has {@link ApplicationMicrometer} show the agent's meters there. Only this small class is
 * loaded in premain; the bridge, which links against the agent's Micrometer, and its worker thread
 * come when the application's Micrometer does. It transforms nothing.
 */
public final class ApplicationMicrometerWatch implements ClassFileTransformer {

    /*
     * Built at run time: the shade plugin rewrites string constants that name relocated packages,
     * and these must keep naming the application's own, unrelocated classes.
     */
    static final String PACKAGE = join("io", "micrometer", "core", "instrument");
    static final String METRICS = PACKAGE + ".Metrics";
    private static final String METRICS_INTERNAL = METRICS.replace('.', '/');

    private final ImdsMetrics metrics;
    private final AgentLog log;

    /** Guarded by this; made when the application's Micrometer first shows up. */
    private ExecutorService worker;

    private ApplicationMicrometer bridge;

    private ApplicationMicrometerWatch(ImdsMetrics metrics, AgentLog log) {
        this.metrics = metrics;
        this.log = log;
    }

    /**
     * Watches for the application's Micrometer from now on, and connects to a copy already loaded
     * (when the agent is attached to a running JVM).
     */
    public static void install(Instrumentation instrumentation, ImdsMetrics metrics, AgentLog log) {
        ApplicationMicrometerWatch watch = new ApplicationMicrometerWatch(metrics, log);
        instrumentation.addTransformer(watch, false);
        for (Class<?> loaded : instrumentation.getAllLoadedClasses()) {
            if (METRICS.equals(loaded.getName())) {
                watch.found(loaded.getClassLoader());
            }
        }
    }

    static String join(String... parts) {
        StringBuilder name = new StringBuilder();
        for (String part : parts) {
            name.append(name.length() > 0 ? "." : "").append(part);
        }
        return name.toString();
    }

    /** Notes the application's Metrics class being defined. */
    @Override
    public byte[] transform(
            ClassLoader loader,
            String className,
            Class<?> redefined,
            ProtectionDomain domain,
            byte[] bytes) {
        if (loader != null && redefined == null && METRICS_INTERNAL.equals(className)) {
            found(loader);
        }
        return null;
    }

    private synchronized void found(final ClassLoader loader) {
        try {
            if (worker == null) {
                worker =
                        Executors.newSingleThreadExecutor(
                                new DaemonThreads("imds-guard-app-micrometer"));
            }
            worker.execute(
                    new Runnable() {
                        @Override
                        public void run() {
                            bridge().connect(loader);
                        }
                    });
        } catch (Throwable t) {
            log.internalError("application Micrometer", t);
        }
    }

    private synchronized ApplicationMicrometer bridge() {
        if (bridge == null) {
            bridge = new ApplicationMicrometer(metrics, log, worker);
        }
        return bridge;
    }
}
