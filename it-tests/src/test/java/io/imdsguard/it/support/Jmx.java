package io.imdsguard.it.support;

import java.time.Duration;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

/**
 * A JMX connection that cannot hang a test: the connect is bounded, and so is every later call over
 * it (RMI's response timeout), so a target that stops answering fails the test with a message.
 */
public final class Jmx {

    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    static {
        // Read when RMI's transport is first used, which is after this: the bound of every call
        // over JMX, in ms.
        System.setProperty(
                "sun.rmi.transport.tcp.responseTimeout", String.valueOf(AppJvm.TIMEOUT.toMillis()));
    }

    private Jmx() {}

    public static JMXConnector connect(JMXServiceURL url) throws Exception {
        return Bounded.within(
                CONNECT_TIMEOUT,
                "the JMX connection to " + url,
                () -> JMXConnectorFactory.connect(url));
    }
}
