package io.imdsguard.agent.instrument;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * What one client's folder says about itself: everything the rest of the agent must know of the
 * client, in one place, so that adding a client is its folder plus one line in {@link Clients}.
 *
 * <p>Names only: a description is read in premain, before Byte Buddy is loaded, so it names its
 * instrumentation by class name and never touches it until the first of its classes loads. {@link
 * #build} refuses a description that leaves something unsaid; {@code ClientsTest} checks the rest
 * (the instrumentation exists and agrees, every client folder is registered).
 */
public final class ClientDescription {

    /**
     * How the client's requests reach the wire, which decides which backstop must not count them
     * twice.
     */
    public enum Transport {
        /** Through {@code java.net.Socket}: the socket catch-all skips it while its frames run. */
        SOCKET,
        /**
         * Through an NIO {@code SocketChannel}: the connection backstop skips it while its frames
         * run.
         */
        CHANNEL,
        /** The client is a backstop itself: it sees what no client's own hook saw. */
        BACKSTOP,
    }

    private final String name;
    private final List<String> watchedClasses;
    private final List<String> libraryFrames;
    private final Transport transport;
    private final List<String> sendingFrames;
    private final String instrumentation;
    private final String factoryMethod;
    private final String testCase;
    private final String hooks;

    private ClientDescription(Builder builder) {
        this.name = builder.name;
        this.watchedClasses = Collections.unmodifiableList(builder.watchedClasses);
        this.libraryFrames = Collections.unmodifiableList(builder.libraryFrames);
        this.transport = builder.transport;
        this.sendingFrames = Collections.unmodifiableList(builder.sendingFrames);
        this.instrumentation = builder.instrumentation;
        this.factoryMethod = builder.factoryMethod;
        this.testCase = builder.testCase;
        this.hooks = builder.hooks;
    }

    /**
     * @param name the client's name in reports and in the {@code client} metrics tag
     */
    public static Builder client(String name) {
        return new Builder(name);
    }

    public String name() {
        return name;
    }

    /**
     * The exact binary names of the classes to weave. They are compared with every class the JVM
     * loads, before Byte Buddy is loaded (see {@link DeferredInstrumentation}).
     */
    public List<String> watchedClasses() {
        return watchedClasses;
    }

    /**
     * Package prefixes whose frames are the library's, not the application's: a call site is the
     * first frame beyond them. Empty for a JDK client, whose frames the JDK's prefixes cover.
     */
    public List<String> libraryFrames() {
        return libraryFrames;
    }

    public Transport transport() {
        return transport;
    }

    /**
     * Package prefixes whose frames on a thread show that this client is sending: what its {@link
     * #transport()}'s backstop then leaves to the client's own hook. Empty for a backstop.
     */
    public List<String> sendingFrames() {
        return sendingFrames;
    }

    /** The class of the instrumentation, a {@link ClientInstrumentation}. */
    public String instrumentationClass() {
        return instrumentation;
    }

    /** The end-to-end test that runs this client against the mock IMDS (an it-tests class). */
    public String testCase() {
        return testCase;
    }

    /**
     * The class of the client's {@link ClientHooks}, or null for a client whose advice needs none.
     */
    public String hooksClass() {
        return hooks;
    }

    /** Makes the client's hooks, once the bridge is connected; null for a client that has none. */
    ClientHooks hooks(ClientContext context) throws Exception {
        if (hooks == null) {
            return null;
        }
        Class<?> type = Class.forName(hooks, true, ClientDescription.class.getClassLoader());
        return (ClientHooks) type.getConstructor(ClientContext.class).newInstance(context);
    }

    /**
     * Loads the instrumentation, and Byte Buddy with it: only once one of its classes is being
     * loaded.
     */
    ClientInstrumentation instrumentation() throws Exception {
        Class<?> type =
                Class.forName(instrumentation, true, ClientDescription.class.getClassLoader());
        Object made =
                factoryMethod != null
                        ? type.getMethod(factoryMethod).invoke(null)
                        : type.getDeclaredConstructor().newInstance();
        return (ClientInstrumentation) made;
    }

    @Override
    public String toString() {
        return name + (factoryMethod != null ? " (" + factoryMethod + ")" : "");
    }

    /** Every part must be said, an empty list included: build() names what was left out. */
    public static final class Builder {
        private final String name;
        private final List<String> watchedClasses = new ArrayList<String>();
        private final List<String> libraryFrames = new ArrayList<String>();
        private boolean libraryFramesSaid;
        private Transport transport;
        private final List<String> sendingFrames = new ArrayList<String>();
        private String instrumentation;
        private String factoryMethod;
        private String testCase;
        private String hooks;

        private Builder(String name) {
            this.name = name;
        }

        public Builder watches(String... classNames) {
            watchedClasses.addAll(Arrays.asList(classNames));
            return this;
        }

        /** Say it with no prefix for a JDK client. */
        public Builder libraryFrames(String... packagePrefixes) {
            libraryFrames.addAll(Arrays.asList(packagePrefixes));
            libraryFramesSaid = true;
            return this;
        }

        public Builder writesThroughSocket(String... framesWhileSending) {
            return sends(Transport.SOCKET, framesWhileSending);
        }

        public Builder writesThroughChannel(String... framesWhileSending) {
            return sends(Transport.CHANNEL, framesWhileSending);
        }

        public Builder isBackstop() {
            return sends(Transport.BACKSTOP);
        }

        private Builder sends(Transport how, String... framesWhileSending) {
            transport = how;
            sendingFrames.addAll(Arrays.asList(framesWhileSending));
            return this;
        }

        /**
         * @param className a {@link ClientInstrumentation} with a public no-argument constructor
         */
        public Builder instrumentedBy(String className) {
            instrumentation = className;
            return this;
        }

        /**
         * @param factoryMethod a public static no-argument method of {@code className} that makes
         *     it
         */
        public Builder instrumentedBy(String className, String factoryMethod) {
            this.factoryMethod = factoryMethod;
            return instrumentedBy(className);
        }

        /**
         * @param testClassName the fully qualified name of its end-to-end test in it-tests
         */
        public Builder testedBy(String testClassName) {
            testCase = testClassName;
            return this;
        }

        /**
         * For a JDK client, whose advice hands the client's own objects to the bridge's generic
         * verbs.
         *
         * @param className a {@link ClientHooks} with a public constructor taking {@link
         *     ClientContext}
         */
        public Builder hooks(String className) {
            hooks = className;
            return this;
        }

        public ClientDescription build() {
            List<String> missing = new ArrayList<String>();
            if (name == null || name.isEmpty()) {
                missing.add("name");
            }
            if (watchedClasses.isEmpty()) {
                missing.add("watches");
            }
            if (!libraryFramesSaid) {
                missing.add("libraryFrames");
            }
            if (transport == null) {
                missing.add("writesThroughSocket, writesThroughChannel or isBackstop");
            } else if (transport != Transport.BACKSTOP && sendingFrames.isEmpty()) {
                missing.add("the frames while sending");
            }
            if (instrumentation == null) {
                missing.add("instrumentedBy");
            }
            if (testCase == null) {
                missing.add("testedBy");
            }
            if (!missing.isEmpty()) {
                throw new IllegalStateException(
                        "the description of client " + name + " lacks " + missing);
            }
            return new ClientDescription(this);
        }
    }
}
