package io.imdsguard.agent.detect;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Finds the application code behind a request in a stack trace: the first frame that belongs
 * neither to the agent, nor to the JDK, nor to an HTTP client library. That frame is the call site
 * a user has to change; everything above it is plumbing they do not own.
 */
public final class CallerFrames {

    /** At most this many frames are kept for a report: enough to see the path, bounded in size. */
    static final int MAX_FRAMES = 64;

    private static final String[] INFRASTRUCTURE = {
        "io.imdsguard.agent.", "io.imdsguard.bootstrap.", "io.imdsguard.shaded.",
        "java.", "javax.", "jdk.", "sun.", "com.sun.",
        "org.apache.http.", "org.apache.hc.", "okhttp3.", "okio.", "retrofit2.",
        "io.netty.", "reactor.netty.", "reactor.core.", "org.asynchttpclient.", "io.vertx.",
        "org.eclipse.jetty.", "org.springframework.web.client.", "org.springframework.http.",
        "org.springframework.web.reactive.function.client.",
        "kotlin.", "kotlinx.coroutines.",
    };

    private final String site;
    private final String siteClass;
    private final String siteMethod;
    /** The trace the site was found in, or null when it was found by walking (see ofCurrentThread). */
    private final StackTraceElement[] stack;
    private final int first;
    private List<String> frames;

    private CallerFrames(String site, String siteClass, String siteMethod, StackTraceElement[] stack, int first) {
        this.site = site;
        this.siteClass = siteClass;
        this.siteMethod = siteMethod;
        this.stack = stack;
        this.first = first;
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

    /** The first application frame, as {@code class.method(File.java:line)}. */
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
        Site site = StackWalkerSite.firstApplicationFrame();
        if (site == null) {
            return of(new Throwable().getStackTrace());
        }
        return new CallerFrames(site.site, site.siteClass, site.siteMethod, null, 0);
    }

    public static CallerFrames of(StackTraceElement[] stack) {
        int first = firstApplicationFrame(stack);
        if (first >= stack.length) {
            return new CallerFrames("unknown", "unknown", "unknown", stack, first);
        }
        return new CallerFrames(format(stack[first]), stack[first].getClassName(),
                stack[first].getClassName() + '.' + stack[first].getMethodName(), stack, first);
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
            if (!name.startsWith("io.imdsguard.agent.") && !name.startsWith("io.imdsguard.bootstrap.")) {
                return i;
            }
        }
        return stack.length;
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
     * Whether the current thread is running code of a class whose name starts with one of
     * {@code prefixes}. Where StackWalker is available the walk stops at the first such frame, so
     * that a match near the top of the stack costs a few frames, not the whole trace.
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
        StringBuilder text = new StringBuilder(frame.getClassName()).append('.').append(frame.getMethodName())
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
        final String site;
        final String siteClass;
        final String siteMethod;

        private Site(String site, String siteClass, String siteMethod) {
            this.site = site;
            this.siteClass = siteClass;
            this.siteMethod = siteMethod;
        }

        static Site of(StackTraceElement frame) {
            return new Site(format(frame), frame.getClassName(), frame.getClassName() + '.' + frame.getMethodName());
        }
    }
}
