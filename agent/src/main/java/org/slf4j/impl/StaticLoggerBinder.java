package org.slf4j.impl;

import org.slf4j.ILoggerFactory;
import org.slf4j.helpers.NOPLoggerFactory;
import org.slf4j.spi.LoggerFactoryBinder;

/**
 * The binding of the SLF4J API that the agent bundles (relocated under io.imdsguard.shaded) for the
 * JMX reporter of Dropwizard Metrics, which Micrometer's JMX registry uses. Without a binding,
 * SLF4J 1.7 prints three warning lines into the application's standard error; this one discards the
 * reporter's own log calls instead (the agent logs what matters itself). It is never the
 * application's binding: relocation renames this class and the lookup that finds it.
 */
public final class StaticLoggerBinder implements LoggerFactoryBinder {

    private static final StaticLoggerBinder SINGLETON = new StaticLoggerBinder();

    /** Read by SLF4J's version check; must not be final, or the compiler would inline it there. */
    public static String REQUESTED_API_VERSION = "1.6.99";

    private final ILoggerFactory factory = new NOPLoggerFactory();

    private StaticLoggerBinder() {}

    public static StaticLoggerBinder getSingleton() {
        return SINGLETON;
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public String getLoggerFactoryClassStr() {
        return NOPLoggerFactory.class.getName();
    }
}
