package io.imdsguard.agent.metrics;

import io.imdsguard.agent.log.AgentLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Shows the agent's cumulative meters in an exporter's registry: each counter as a FunctionCounter
 * and each gauge as a Gauge that read the agent's value when the exporter asks. An exporter started
 * after the first requests (they all start off the start-up path) therefore still counts every
 * request since the JVM started, which a meter added to a composite registry would not.
 *
 * <p>A timer's samples cannot be read back, so the exporter gets a real timer of its own, fed from
 * the moment it is attached ({@link ImdsMetrics#recordRewriteLatency}).
 */
final class MeterMirror {

    private final MeterRegistry target;
    private final List<Timer> timers;
    private final AgentLog log;
    private final Set<Meter.Id> mirrored =
            Collections.newSetFromMap(new ConcurrentHashMap<Meter.Id, Boolean>());

    private MeterMirror(MeterRegistry target, List<Timer> timers, AgentLog log) {
        this.target = target;
        this.timers = timers;
        this.log = log;
    }

    /** Mirrors every meter of {@code source}, now and as they are created, into {@code target}. */
    static void attach(
            MeterRegistry source, MeterRegistry target, List<Timer> timers, AgentLog log) {
        final MeterMirror mirror = new MeterMirror(target, timers, log);
        // Listen first, then copy what exists: a meter created in between is seen twice, and
        // mirrored once.
        source.config()
                .onMeterAdded(
                        new Consumer<Meter>() {
                            @Override
                            public void accept(Meter meter) {
                                mirror.mirror(meter);
                            }
                        });
        for (Meter meter : source.getMeters()) {
            mirror.mirror(meter);
        }
    }

    void mirror(Meter meter) {
        Meter.Id id = meter.getId();
        if (!mirrored.add(id)) {
            return;
        }
        try {
            if (meter instanceof Counter) {
                FunctionCounter.builder(id.getName(), (Counter) meter, Counter::count)
                        .tags(id.getTags())
                        .description(id.getDescription())
                        .baseUnit(id.getBaseUnit())
                        .register(target);
            } else if (meter instanceof Gauge) {
                Gauge.builder(id.getName(), (Gauge) meter, Gauge::value)
                        .tags(id.getTags())
                        .description(id.getDescription())
                        .baseUnit(id.getBaseUnit())
                        .register(target);
            } else if (meter instanceof Timer) {
                timers.add(
                        Timer.builder(id.getName())
                                .tags(id.getTags())
                                .description(id.getDescription())
                                .register(target));
            }
        } catch (RuntimeException e) {
            if (log != null) {
                log.internalError("metrics export of " + id.getName(), e);
            }
        }
    }
}
