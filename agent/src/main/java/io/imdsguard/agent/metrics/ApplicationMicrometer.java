package io.imdsguard.agent.metrics;

import io.imdsguard.agent.log.AgentLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Shows the agent's meters in the application's own Micrometer, so that an existing {@code
 * /actuator/prometheus} (or any registry the application adds to {@code
 * io.micrometer.core.instrument.Metrics.globalRegistry}) serves them too.
 *
 * <p>The application's Micrometer is a different copy from the agent's (which is relocated), of any
 * 1.x version, in the application's class loader. So nothing here links against it: once the
 * application itself has loaded {@code Metrics}, a daemon thread registers, by reflection, a
 * FunctionCounter, Gauge or FunctionTimer per agent meter whose value is read from the agent's
 * meter through {@code java.util.function} interfaces, which both sides share. Meters the agent
 * creates later follow through the agent registry's meter-added listener. Each meter is registered
 * once per application Micrometer; the work never runs on the application's threads.
 */
final class ApplicationMicrometer {

    private static final String PACKAGE = ApplicationMicrometerWatch.PACKAGE;
    private static final String METRICS = ApplicationMicrometerWatch.METRICS;

    /**
     * Its registry is asked for only once the application's Micrometer shows up: made on first use.
     */
    private final ImdsMetrics source;

    private final AgentLog log;

    /** The worker that runs {@link #connect} and registers meters, never an application thread. */
    private final ExecutorService worker;

    private final Set<Class<?>> connected =
            Collections.newSetFromMap(new IdentityHashMap<Class<?>, Boolean>());

    ApplicationMicrometer(ImdsMetrics source, AgentLog log, ExecutorService worker) {
        this.source = source;
        this.worker = worker;
        this.log = log;
    }

    /** On the worker thread only. */
    void connect(ClassLoader loader) {
        try {
            // Waits for the application's own loading and initialisation of Metrics, which is
            // under way on its thread: by then this is what the application would do next anyway.
            Class<?> metrics = Class.forName(METRICS, true, loader);
            if (!connected.add(metrics)) {
                return;
            }
            Object globalRegistry = metrics.getField("globalRegistry").get(null);
            final Target target = new Target(globalRegistry, metrics.getClassLoader());
            MeterRegistry source = this.source.registry();
            source.config()
                    .onMeterAdded(
                            new Consumer<Meter>() {
                                @Override
                                public void accept(final Meter meter) {
                                    worker.execute(
                                            new Runnable() {
                                                @Override
                                                public void run() {
                                                    target.register(meter);
                                                }
                                            });
                                }
                            });
            for (Meter meter : source.getMeters()) {
                target.register(meter);
            }
            log.info(
                    "the agent's meters are also in the application's Micrometer ("
                            + METRICS
                            + ".globalRegistry"
                            + version(metrics)
                            + "); key 'metrics.global=false' turns this off");
        } catch (Throwable t) {
            log.once(
                    "app-micrometer",
                    "cannot show the agent's meters in the application's Micrometer (key "
                            + "'metrics.global'): "
                            + t
                            + "; the agent's own exporters are unaffected");
        }
    }

    private static String version(Class<?> metrics) {
        Package pkg = metrics.getPackage();
        String version = pkg != null ? pkg.getImplementationVersion() : null;
        return version != null ? ", Micrometer " + version : "";
    }

    /** The application's global registry, and the builder methods of its Micrometer version. */
    private final class Target {
        private final Object registry;
        private final Class<?> registryType;
        private final Method counterBuilder;
        private final Method gaugeBuilder;
        private final Method timerBuilder;
        private final Set<Meter.Id> registered =
                Collections.newSetFromMap(new ConcurrentHashMap<Meter.Id, Boolean>());

        Target(Object registry, ClassLoader loader) throws ReflectiveOperationException {
            this.registry = registry;
            this.registryType = Class.forName(PACKAGE + ".MeterRegistry", false, loader);
            // These signatures exist from Micrometer 1.0 on.
            counterBuilder =
                    Class.forName(PACKAGE + ".FunctionCounter", false, loader)
                            .getMethod(
                                    "builder", String.class, Object.class, ToDoubleFunction.class);
            gaugeBuilder =
                    Class.forName(PACKAGE + ".Gauge", false, loader)
                            .getMethod(
                                    "builder", String.class, Object.class, ToDoubleFunction.class);
            timerBuilder =
                    Class.forName(PACKAGE + ".FunctionTimer", false, loader)
                            .getMethod(
                                    "builder",
                                    String.class,
                                    Object.class,
                                    ToLongFunction.class,
                                    ToDoubleFunction.class,
                                    TimeUnit.class);
        }

        void register(Meter meter) {
            Meter.Id id = meter.getId();
            if (!registered.add(id)) {
                return;
            }
            try {
                Object builder = builder(meter);
                if (builder == null) {
                    return;
                }
                builder = call(builder, "tags", new Class<?>[] {String[].class}, (Object) tags(id));
                if (id.getDescription() != null) {
                    builder =
                            call(
                                    builder,
                                    "description",
                                    new Class<?>[] {String.class},
                                    id.getDescription());
                }
                call(builder, "register", new Class<?>[] {registryType}, registry);
            } catch (Throwable t) {
                log.once(
                        "app-micrometer-meter",
                        "cannot register "
                                + id.getName()
                                + " in the application's "
                                + "Micrometer (key 'metrics.global'): "
                                + t
                                + "; said once");
            }
        }

        private Object builder(Meter meter) throws ReflectiveOperationException {
            String name = meter.getId().getName();
            if (meter instanceof Counter) {
                return counterBuilder.invoke(
                        null,
                        name,
                        meter,
                        new ToDoubleFunction<Counter>() {
                            @Override
                            public double applyAsDouble(Counter counter) {
                                return counter.count();
                            }
                        });
            }
            if (meter instanceof FunctionCounter) {
                return counterBuilder.invoke(
                        null,
                        name,
                        meter,
                        new ToDoubleFunction<FunctionCounter>() {
                            @Override
                            public double applyAsDouble(FunctionCounter counter) {
                                return counter.count();
                            }
                        });
            }
            if (meter instanceof Gauge) {
                return gaugeBuilder.invoke(
                        null,
                        name,
                        meter,
                        new ToDoubleFunction<Gauge>() {
                            @Override
                            public double applyAsDouble(Gauge gauge) {
                                return gauge.value();
                            }
                        });
            }
            if (meter instanceof Timer) {
                return timerBuilder.invoke(
                        null,
                        name,
                        meter,
                        new ToLongFunction<Timer>() {
                            @Override
                            public long applyAsLong(Timer timer) {
                                return timer.count();
                            }
                        },
                        new ToDoubleFunction<Timer>() {
                            @Override
                            public double applyAsDouble(Timer timer) {
                                return timer.totalTime(TimeUnit.NANOSECONDS);
                            }
                        },
                        TimeUnit.NANOSECONDS);
            }
            return null;
        }

        private String[] tags(Meter.Id id) {
            List<String> pairs = new ArrayList<String>();
            for (Tag tag : id.getTagsAsIterable()) {
                pairs.add(tag.getKey());
                pairs.add(tag.getValue());
            }
            return pairs.toArray(new String[0]);
        }

        private Object call(Object target, String method, Class<?>[] types, Object... arguments)
                throws ReflectiveOperationException {
            return target.getClass().getMethod(method, types).invoke(target, arguments);
        }
    }
}
