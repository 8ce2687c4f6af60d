package io.imdsguard.agent.metrics;

import io.imdsguard.agent.log.AgentLog;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Statistic;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.core.instrument.step.StepMeterRegistry;
import io.micrometer.core.instrument.step.StepRegistryConfig;
import io.micrometer.core.instrument.util.HierarchicalNameMapper;
import io.micrometer.statsd.StatsdLineBuilder;
import io.micrometer.statsd.internal.DatadogStatsdLineBuilder;
import io.micrometer.statsd.internal.EtsyStatsdLineBuilder;
import io.micrometer.statsd.internal.SysdigStatsdLineBuilder;
import io.micrometer.statsd.internal.TelegrafStatsdLineBuilder;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * Sends the meters to a StatsD agent over UDP, once per step. Micrometer's own StatsD registry
 * bundles several MB of shaded Netty and Reactor to send a line per increment; the agent's meters
 * change rarely, so this push registry sends each step's change instead, formatted by Micrometer's
 * own line builders for the chosen flavour (datadog, etsy, telegraf, sysdig):
 *
 * <ul>
 *   <li>a counter: its increase during the step, as a count ({@code |c}); nothing when it did not
 *       move;
 *   <li>a gauge: its value ({@code |g});
 *   <li>a timer: the step's count and total time in milliseconds as counts, and its max as a gauge,
 *       told apart by the tag {@code statistic} (count, total, max).
 * </ul>
 *
 * Lines are packed into datagrams of at most {@value #MAX_DATAGRAM} bytes, which fit the usual MTU.
 */
final class StatsdPushRegistry extends StepMeterRegistry {

    static final int MAX_DATAGRAM = 1432;
    private static final Charset UTF_8 = Charset.forName("UTF-8");

    private final String flavor;
    private final String host;
    private final int port;
    private final AgentLog log;
    private final ConcurrentMap<Meter.Id, StatsdLineBuilder> builders =
            new ConcurrentHashMap<Meter.Id, StatsdLineBuilder>();
    private DatagramSocket socket;
    private volatile boolean failing;

    StatsdPushRegistry(String host, int port, String flavor, long stepMillis, AgentLog log) {
        this(host, port, flavor, stepMillis, log, Clock.SYSTEM);
    }

    StatsdPushRegistry(
            String host, int port, String flavor, long stepMillis, AgentLog log, Clock clock) {
        super(config(stepMillis), clock);
        this.host = host;
        this.port = port;
        this.flavor = flavor;
        this.log = log;
        config().namingConvention(namingConvention(flavor));
    }

    static StatsdPushRegistry start(
            String host, int port, String flavor, long stepMillis, AgentLog log) {
        StatsdPushRegistry registry = new StatsdPushRegistry(host, port, flavor, stepMillis, log);
        registry.start(new DaemonThreads("imds-guard-statsd"));
        return registry;
    }

    private static StepRegistryConfig config(final long stepMillis) {
        return new StepRegistryConfig() {
            @Override
            public String prefix() {
                return "statsd";
            }

            @Override
            public String get(String key) {
                return null;
            }

            @Override
            public Duration step() {
                return Duration.ofMillis(stepMillis);
            }
        };
    }

    /** The same conventions as Micrometer's StatsD registry. */
    static NamingConvention namingConvention(String flavor) {
        if ("datadog".equals(flavor) || "sysdig".equals(flavor)) {
            return NamingConvention.dot;
        }
        if ("telegraf".equals(flavor)) {
            return NamingConvention.snakeCase;
        }
        return NamingConvention.camelCase;
    }

    @Override
    protected TimeUnit getBaseTimeUnit() {
        return TimeUnit.MILLISECONDS;
    }

    @Override
    protected void publish() {
        List<String> lines = lines();
        if (!lines.isEmpty()) {
            send(lines);
        }
    }

    /** This step's lines; package-private so that their format can be tested without a socket. */
    List<String> lines() {
        List<String> lines = new ArrayList<String>();
        for (Meter meter : getMeters()) {
            StatsdLineBuilder line = builder(meter.getId());
            if (meter instanceof Counter) {
                addCount(lines, line, ((Counter) meter).count());
            } else if (meter instanceof FunctionCounter) {
                addCount(lines, line, ((FunctionCounter) meter).count());
            } else if (meter instanceof Gauge) {
                double value = ((Gauge) meter).value();
                if (!Double.isNaN(value) && !Double.isInfinite(value)) {
                    lines.add(line.gauge(value));
                }
            } else if (meter instanceof Timer) {
                Timer timer = (Timer) meter;
                long count = timer.count();
                if (count > 0) {
                    lines.add(line.count(count, Statistic.COUNT));
                    lines.add(
                            line.count(
                                    Math.round(timer.totalTime(TimeUnit.MILLISECONDS)),
                                    Statistic.TOTAL_TIME));
                    lines.add(line.gauge(timer.max(TimeUnit.MILLISECONDS), Statistic.MAX));
                }
            }
        }
        return lines;
    }

    private static void addCount(List<String> lines, StatsdLineBuilder line, double count) {
        long rounded = Math.round(count);
        if (rounded > 0) {
            lines.add(line.count(rounded));
        }
    }

    private StatsdLineBuilder builder(Meter.Id id) {
        StatsdLineBuilder builder = builders.get(id);
        if (builder == null) {
            builder = newBuilder(id);
            builders.putIfAbsent(id, builder);
        }
        return builder;
    }

    private StatsdLineBuilder newBuilder(Meter.Id id) {
        if ("etsy".equals(flavor)) {
            return new EtsyStatsdLineBuilder(id, config(), HierarchicalNameMapper.DEFAULT);
        }
        if ("telegraf".equals(flavor)) {
            return new TelegrafStatsdLineBuilder(id, config());
        }
        if ("sysdig".equals(flavor)) {
            return new SysdigStatsdLineBuilder(id, config());
        }
        return new DatadogStatsdLineBuilder(id, config());
    }

    private synchronized void send(List<String> lines) {
        try {
            if (socket == null) {
                socket = new DatagramSocket();
            }
            // Resolved at every step, like a StatsD client does, so that a DNS change is followed.
            InetSocketAddress target = new InetSocketAddress(host, port);
            if (target.isUnresolved()) {
                throw new IOException("cannot resolve host '" + host + "'");
            }
            StringBuilder packet = new StringBuilder();
            for (String line : lines) {
                if (packet.length() > 0 && packet.length() + 1 + line.length() > MAX_DATAGRAM) {
                    datagram(packet, target);
                }
                packet.append(packet.length() > 0 ? "\n" : "").append(line);
            }
            datagram(packet, target);
            if (failing) {
                failing = false;
                log.info("sending metrics to StatsD at " + host + ":" + port + " again");
            }
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                failing = true;
                log.info(
                        "cannot send metrics to StatsD at "
                                + host
                                + ":"
                                + port
                                + " (keys 'statsd.host', "
                                + "'statsd.port'): "
                                + e
                                + "; retrying every step, said once; the application is unaffected");
            }
        }
    }

    private void datagram(StringBuilder packet, InetSocketAddress target) throws IOException {
        byte[] bytes = packet.toString().getBytes(UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, target));
        packet.setLength(0);
    }

    @Override
    public void close() {
        super.close();
        DatagramSocket open = socket;
        if (open != null) {
            open.close();
        }
    }
}
