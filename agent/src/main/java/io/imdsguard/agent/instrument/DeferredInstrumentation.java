package io.imdsguard.agent.instrument;

import io.imdsguard.agent.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Keeps Byte Buddy out of the JVM's start-up. Loading and setting up Byte Buddy is most of what the
 * agent would cost before {@code main} (about 730 classes, a few hundred milliseconds), yet it is
 * needed only once an HTTP client class is loaded. So premain registers this plain transformer,
 * which compares each loaded class's name with the clients' class names and nothing else, and the
 * weaver ({@link AdviceWeaver}) is built when the first of those classes is loaded: an application
 * pays for it at its first HTTP client, once, and one that makes no HTTP call never pays for it.
 */
final class DeferredInstrumentation implements ClassFileTransformer {

    /** Builds the weaver once the agent has started. */
    interface Builder {
        /**
         * Waits, a bounded time, for what {@link #build} needs. Called before each build attempt,
         * and without a lock held: the thread that starts the agent may load a client class itself.
         *
         * @return false to leave the class being loaded alone: the agent is off, or not started yet
         */
        boolean ready();

        /** Called at most once, after {@link #ready} said yes. */
        ClassFileTransformer build() throws Exception;

        /** Where to say what went wrong. */
        AgentLog log();
    }

    private final Set<String> internalNames;
    private final Set<String> dottedNames;
    private final Builder builder;
    private volatile ClassFileTransformer built;

    /** Guarded by this: set while building, and for good when building failed. */
    private boolean building;

    private boolean failed;

    DeferredInstrumentation(Collection<String> typeNames, Builder builder) {
        Set<String> names = new HashSet<String>();
        for (String name : typeNames) {
            names.add(name.replace('.', '/'));
        }
        this.internalNames = names;
        this.dottedNames = new HashSet<String>(typeNames);
        this.builder = builder;
    }

    /** Registers the transformer: every client class loaded from now on passes through it. */
    void install(Instrumentation instrumentation) {
        instrumentation.addTransformer(this, true);
    }

    /**
     * Weaves the client classes that were loaded before {@link #install}: when attached to a
     * running application, or loaded before premain (by another agent, say). Called once the agent
     * has started, as weaving them waits for that.
     */
    void weaveLoaded(Instrumentation instrumentation) {
        List<Class<?>> loaded = new ArrayList<Class<?>>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            if (dottedNames.contains(type.getName()) && instrumentation.isModifiableClass(type)) {
                loaded.add(type);
            }
        }
        for (Class<?> type : loaded) {
            try {
                instrumentation.retransformClasses(type);
            } catch (Throwable t) {
                builder.log()
                        .once(
                                "retransform:" + type.getName(),
                                "could not instrument "
                                        + type.getName()
                                        + " (its requests are not seen; the application is unaffected): "
                                        + t);
            }
        }
    }

    boolean isTarget(String internalName) {
        return internalName != null && internalNames.contains(internalName);
    }

    @Override
    public byte[] transform(
            ClassLoader loader,
            String internalName,
            Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain,
            byte[] classfileBuffer) {
        if (!isTarget(internalName)) {
            return null;
        }
        try {
            ClassFileTransformer transformer = weaver(internalName);
            if (transformer == null) {
                return null;
            }
            return transformer.transform(
                    loader, internalName, classBeingRedefined, protectionDomain, classfileBuffer);
        } catch (Throwable t) {
            builder.log()
                    .once(
                            "transform:" + internalName,
                            "could not instrument "
                                    + internalName.replace('/', '.')
                                    + " (its requests are not seen; the application is unaffected): "
                                    + t);
            return null;
        }
    }

    /**
     * @return the weaver, built on first use; null if it cannot be had
     */
    private ClassFileTransformer weaver(String trigger) {
        ClassFileTransformer transformer = built;
        if (transformer != null) {
            return transformer;
        }
        if (!builder.ready()) {
            return null;
        }
        synchronized (this) {
            if (built != null || failed) {
                return built;
            }
            if (building) {
                // Setting Byte Buddy up loaded a client class on this very thread: it cannot be
                // woven.
                builder.log()
                        .debug(
                                "left "
                                        + trigger.replace('/', '.')
                                        + " alone: loaded while the instrumentation was set up");
                return null;
            }
            building = true;
            long started = System.nanoTime();
            try {
                built = builder.build();
                builder.log()
                        .debug(
                                "instrumentation set up in "
                                        + (System.nanoTime() - started) / 1_000_000
                                        + " ms, on loading "
                                        + trigger.replace('/', '.'));
            } catch (Throwable t) {
                failed = true;
                builder.log()
                        .info(
                                "could not set up the instrumentation (no HTTP request is seen; the application is "
                                        + "unaffected): "
                                        + t);
            } finally {
                building = false;
            }
            return built;
        }
    }
}
