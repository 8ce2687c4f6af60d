package io.imdsguard.agent.detect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Finds the application code behind a request in a stack trace: the first frame that belongs
 * neither to the agent, nor to the JDK, nor to an HTTP client library. That frame is the call site
 * a user has to change; everything above it is plumbing they do not own. Known clients are skipped
 * by name; any other library by where its classes were loaded from (see {@link LibraryRun}).
 */
public final class CallerFrames {

    /** At most this many frames are kept for a report: enough to see the path, bounded in size. */
    static final int MAX_FRAMES = 64;

    /**
     * The library frames of the HTTP clients the agent instruments: exactly what their descriptions
     * (instrument's {@code ClientDescription.libraryFrames}) say, which {@code ClientsTest} checks.
     * Kept here, not gathered, as this layer sits below the instrumentation, and {@code check}
     * reads it too.
     */
    private static final String[] CLIENT_LIBRARIES = {
        "org.apache.http.", "org.apache.hc.", "okhttp3.", "okio.", "retrofit2.",
        "io.netty.", "reactor.netty.", "reactor.core.", "org.asynchttpclient.", "io.vertx.",
        "org.eclipse.jetty.",
    };

    private static final String[] INFRASTRUCTURE =
            concat(
                    new String[] {
                        "io.imdsguard.agent.",
                        "io.imdsguard.bootstrap.",
                        "io.imdsguard.shaded.",
                        "java.",
                        "javax.",
                        "jdk.",
                        "sun.",
                        "com.sun.",
                    },
                    CLIENT_LIBRARIES,
                    new String[] {
                        "org.springframework.web.client.",
                        "org.springframework.http.",
                        "org.springframework.web.reactive.function.client.",
                        "kotlin.",
                        "kotlinx.coroutines.",
                    });

    private static String[] concat(String[]... parts) {
        List<String> all = new ArrayList<String>();
        for (String[] part : parts) {
            Collections.addAll(all, part);
        }
        return all.toArray(new String[0]);
    }

    private final String site;
    private final String siteClass;
    private final String siteMethod;
    private final Site attribution;

    /**
     * The trace the site was found in, or null when it was found by walking (see ofCurrentThread).
     */
    private final StackTraceElement[] stack;

    private final int first;

    /** The class of each frame of {@link #stack}, or null: see {@link #siteCodeSource()}. */
    private final Class<?>[] classes;

    private List<String> frames;

    private CallerFrames(Site attribution, StackTraceElement[] stack, int first) {
        this(attribution, stack, first, null);
    }

    private CallerFrames(
            Site attribution, StackTraceElement[] stack, int first, Class<?>[] classes) {
        this.attribution = attribution;
        this.site = attribution.site;
        this.siteClass = attribution.siteClass;
        this.siteMethod = attribution.siteMethod;
        this.stack = stack;
        this.first = first;
        this.classes = classes;
    }

    /**
     * Where the call-site frame's class was loaded from (its code source's location, e.g. {@code
     * file:/app/lib/aws-java-sdk-core-1.11.500.jar}); null when unknown. Only a site's first call
     * asks, on the thread that made the call or with the classes its origin carried. Never throws.
     */
    public String siteCodeSource() {
        try {
            Class<?> type = named(classes, siteClass);
            if (type == null && stack == null) {
                // found by walking this very thread: its classes are on it still
                type = named(StackClasses.current(), siteClass);
            }
            return type == null ? null : CodeSources.location(type);
        } catch (Throwable t) {
            return null;
        }
    }

    private static Class<?> named(Class<?>[] classes, String name) {
        if (classes == null) {
            return null;
        }
        for (Class<?> type : classes) {
            if (type != null && type.getName().equals(name)) {
                return type;
            }
        }
        return null;
    }

    /**
     * The application frame that called into the AWS SDK whose IMDS class is the site, as {@code
     * class.method(File.java:line)}; null when the site is application code itself.
     */
    public String applicationFrame() {
        return attribution.applicationFrame;
    }

    /**
     * The jar of the library that made the request for the application's site, e.g. an HTTP client
     * the agent does not know by name; null when the site made the request itself (or is an SDK's
     * IMDS class).
     */
    public String library() {
        return attribution.library;
    }

    /** The library jar's file name, or null: see {@link #library()}. */
    public String libraryJar() {
        return attribution.library == null ? null : CodeSources.jarName(attribution.library);
    }

    /** The classes of {@link #library()} on the stack; empty when there is none. */
    public List<String> libraryClasses() {
        return attribution.libraryClasses;
    }

    /**
     * The call-site frame as {@code class.method}, without file and line: the metrics' {@code site}
     * tag, stable across builds that move a line.
     */
    public String siteMethod() {
        return siteMethod;
    }

    /** The class of the call-site frame: what the rewrite scope is matched against. */
    public String siteClass() {
        return siteClass;
    }

    /** The call-site frame, as {@code class.method(File.java:line)}. */
    public String site() {
        return site;
    }

    /**
     * The trace from the call site down, without the agent's and the HTTP client's frames. Only a
     * site's first call needs it, so the frames are formatted on demand, not on every v1 call.
     */
    public List<String> frames() {
        if (frames == null) {
            StackTraceElement[] trace = stack;
            int from = first;
            if (trace == null) {
                trace = new Throwable().getStackTrace();
                from = firstApplicationFrame(trace);
            }
            // from the frame that made the request: a library's frames, then its caller, are the
            // path
            // the user follows
            List<String> formatted = new ArrayList<String>();
            for (int i = from; i < trace.length && formatted.size() < MAX_FRAMES; i++) {
                formatted.add(format(trace[i]));
            }
            frames = Collections.unmodifiableList(formatted);
        }
        return frames;
    }

    /**
     * The call site of the request this thread is making right now. The call site is found by
     * walking the stack only as far as the first application frame; the whole trace is taken only
     * if {@link #frames()} is asked for (a site's first call), on this same thread.
     */
    public static CallerFrames ofCurrentThread() {
        Site site = StackWalkerSite.callSite();
        if (site == null) {
            StackTraceElement[] stack = new Throwable().getStackTrace();
            return of(stack, StackClasses.of(stack));
        }
        return new CallerFrames(site, null, 0);
    }

    /**
     * The call site in a trace whose classes are not known: the first frame outside the name lists.
     */
    public static CallerFrames of(StackTraceElement[] stack) {
        return of(stack, null);
    }

    /**
     * The call site in a trace taken earlier.
     *
     * @param classes the class of each frame of {@code stack}, from {@link StackClasses#of}; null
     *     (or null entries) where unknown, which counts as application code
     */
    public static CallerFrames of(StackTraceElement[] stack, Class<?>[] classes) {
        LibraryRun run = new LibraryRun();
        for (int i = 0; i < stack.length; i++) {
            Class<?> type = classes != null && i < classes.length ? classes[i] : null;
            if (run.next(i, stack[i].getClassName(), type)) {
                break;
            }
        }
        int first = run.requesting() >= 0 ? run.requesting() : firstApplicationFrame(stack);
        if (first >= stack.length) {
            return new CallerFrames(Site.UNKNOWN, stack, first);
        }
        int sdkCaller = run.sdkCaller();
        Site site =
                Site.of(
                        stack[run.requesting() >= 0 ? run.site() : first],
                        sdkCaller >= 0 ? format(stack[sdkCaller]) : null,
                        run);
        return new CallerFrames(site, stack, first, classes);
    }

    static int firstApplicationFrame(StackTraceElement[] stack) {
        for (int i = 0; i < stack.length; i++) {
            if (!isInfrastructure(stack[i].getClassName())) {
                return i;
            }
        }
        // No application code at all (a JDK-internal thread): fall back to the first frame that is
        // not the agent's own, which is still more useful than nothing.
        for (int i = 0; i < stack.length; i++) {
            String name = stack[i].getClassName();
            if (!name.startsWith("io.imdsguard.agent.")
                    && !name.startsWith("io.imdsguard.bootstrap.")) {
                return i;
            }
        }
        return stack.length;
    }

    /** The name prefixes of the instrumented HTTP clients' libraries. */
    public static List<String> clientLibraryPrefixes() {
        return Collections.unmodifiableList(Arrays.asList(CLIENT_LIBRARIES.clone()));
    }

    /**
     * The name prefixes of the JDK and the known HTTP clients, skipped by name (the agent's aside).
     */
    public static String[] knownLibraryPrefixes() {
        List<String> libraries = new ArrayList<String>();
        for (String prefix : INFRASTRUCTURE) {
            if (!prefix.startsWith("io.imdsguard.")) {
                libraries.add(prefix);
            }
        }
        return libraries.toArray(new String[0]);
    }

    static boolean isInfrastructure(String className) {
        return startsWithAny(className, INFRASTRUCTURE);
    }

    static boolean startsWithAny(String className, String[] prefixes) {
        for (String prefix : prefixes) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the current thread is running code of a class whose name starts with one of {@code
     * prefixes}. Where StackWalker is available the walk stops at the first such frame, so that a
     * match near the top of the stack costs a few frames, not the whole trace.
     */
    public static boolean currentThreadRuns(String[] prefixes) {
        Boolean walked = StackWalkerSite.runsAnyOf(prefixes);
        if (walked != null) {
            return walked;
        }
        for (StackTraceElement frame : new Throwable().getStackTrace()) {
            if (startsWithAny(frame.getClassName(), prefixes)) {
                return true;
            }
        }
        return false;
    }

    /**
     * One frame in a form that is the same on every JDK: {@link StackTraceElement#toString()} adds
     * class loader and module names from Java 9 on, which would split one call site in two.
     */
    static String format(StackTraceElement frame) {
        StringBuilder text =
                new StringBuilder(frame.getClassName())
                        .append('.')
                        .append(frame.getMethodName())
                        .append('(');
        if (frame.isNativeMethod()) {
            text.append("Native Method");
        } else if (frame.getFileName() == null) {
            text.append("Unknown Source");
        } else {
            text.append(frame.getFileName());
            if (frame.getLineNumber() >= 0) {
                text.append(':').append(frame.getLineNumber());
            }
        }
        return text.append(')').toString();
    }

    /** A call-site frame's texts, the same for every call made from that place in the code. */
    static final class Site {
        static final Site UNKNOWN =
                new Site(
                        "unknown",
                        "unknown",
                        "unknown",
                        null,
                        null,
                        Collections.<String>emptyList());

        final String site;
        final String siteClass;
        final String siteMethod;
        final String applicationFrame;
        final String library;
        final List<String> libraryClasses;

        private Site(
                String site,
                String siteClass,
                String siteMethod,
                String applicationFrame,
                String library,
                List<String> libraryClasses) {
            this.site = site;
            this.siteClass = siteClass;
            this.siteMethod = siteMethod;
            this.applicationFrame = applicationFrame;
            this.library = library;
            this.libraryClasses = libraryClasses;
        }

        /**
         * @param frame the call-site frame
         * @param applicationFrame the application frame below an SDK's IMDS class, or null
         * @param run how the site was found
         */
        static Site of(StackTraceElement frame, String applicationFrame, LibraryRun run) {
            boolean pastLibrary = run.pastLibrary();
            return new Site(
                    format(frame),
                    frame.getClassName(),
                    frame.getClassName() + '.' + frame.getMethodName(),
                    applicationFrame,
                    pastLibrary ? run.library() : null,
                    pastLibrary
                            ? Collections.unmodifiableList(run.libraryClasses())
                            : Collections.<String>emptyList());
        }
    }
}
