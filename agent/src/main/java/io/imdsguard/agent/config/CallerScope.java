package io.imdsguard.agent.config;

import io.imdsguard.agent.detect.CallerFrames;
import io.imdsguard.agent.detect.SdkImdsClasses;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which call sites may have their v1 calls rewritten. Matched against the call site's class only,
 * never against every frame: any request of the application passes through some frame of a
 * framework, so a match on any frame would put SSRF paths in scope too.
 *
 * <p>A call site is never a library's class (see {@code CallerFrames}), so an entry naming the
 * class of a library that made a request can admit nothing: such an entry is refused, and the first
 * time it is seen naming one, that is said once, with what to name instead. Names of the JDK and of
 * the known HTTP clients are refused when the configuration is read ({@link #knownLibraryEntry}).
 */
public final class CallerScope {

    public static final String EVERY_CALLER = "*";

    /** Told once per entry that named a library's class. */
    public interface Refusals {
        void refused(String entry, String libraryClass, String libraryJar, String siteClass);
    }

    private static final Refusals SILENT =
            new Refusals() {
                @Override
                public void refused(
                        String entry, String libraryClass, String libraryJar, String siteClass) {}
            };

    private final List<String> prefixes;
    private final boolean everyCaller;
    private final Refusals refusals;
    private final Set<String> refused =
            Collections.newSetFromMap(new ConcurrentHashMap<String, Boolean>());

    public CallerScope(List<String> prefixes) {
        this(prefixes, SILENT);
    }

    public CallerScope(List<String> prefixes, Refusals refusals) {
        this.prefixes = Collections.unmodifiableList(new ArrayList<String>(prefixes));
        this.everyCaller = prefixes.contains(EVERY_CALLER);
        this.refusals = refusals;
    }

    /**
     * Whether the call site of {@code caller} is in scope. An entry naming a class of the library
     * that made the request for that site is refused here (it could never match a site), once.
     */
    public boolean admits(CallerFrames caller) {
        if (!everyCaller && caller.library() != null) {
            refuseLibraryEntries(caller);
        }
        return includes(caller.siteClass());
    }

    private void refuseLibraryEntries(CallerFrames caller) {
        for (String libraryClass : caller.libraryClasses()) {
            for (String prefix : prefixes) {
                if (matches(prefix, libraryClass) && refused.add(prefix)) {
                    refusals.refused(prefix, libraryClass, caller.libraryJar(), caller.siteClass());
                }
            }
        }
    }

    /**
     * The JDK or known HTTP client prefix that {@code entry} names or covers, or null. Checked when
     * the configuration is read: a client sends requests to whatever URL it is given, so trusting
     * it would trust every caller, a forged SSRF request included.
     */
    public static String knownLibraryEntry(String entry) {
        for (String library : CallerFrames.knownLibraryPrefixes()) {
            if (entry.startsWith(library)
                    || (entry.endsWith(".") && library.startsWith(entry))
                    || library.equals(entry + ".")) {
                return library;
            }
        }
        return null;
    }

    public boolean everyCaller() {
        return everyCaller;
    }

    public List<String> prefixes() {
        return prefixes;
    }

    /**
     * A prefix ending in {@code .} names a package and its sub-packages; any other prefix names a
     * class and its nested classes, so {@code com.acme.Client} does not also admit {@code
     * com.acme.ClientOfAttacker}.
     */
    public boolean includes(String className) {
        if (everyCaller) {
            return true;
        }
        for (String prefix : prefixes) {
            if (matches(prefix, className)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String prefix, String className) {
        if (prefix.endsWith(".")) {
            return className.startsWith(prefix);
        }
        return className.equals(prefix) || className.startsWith(prefix + "$");
    }

    /**
     * What to add to {@code rewrite.callers} to admit {@code className}, a call site's class (never
     * a library's): the class, or its package. For an AWS SDK IMDS class only the class: the SDK's
     * packages also hold its general HTTP clients.
     */
    public static String suggestion(String className) {
        String outer =
                className.indexOf('$') > 0
                        ? className.substring(0, className.indexOf('$'))
                        : className;
        int dot = outer.lastIndexOf('.');
        if (dot <= 0 || SdkImdsClasses.includes(outer)) {
            return "'" + outer + "'";
        }
        return "'" + outer + "' (or its package '" + outer.substring(0, dot + 1) + "')";
    }
}
