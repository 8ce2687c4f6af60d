package io.imdsguard.agent.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Which call sites may have their v1 calls rewritten. Matched against the call site's class only,
 * never against every frame: any request of the application passes through some frame of a
 * framework, so a match on any frame would put SSRF paths in scope too.
 */
public final class CallerScope {

    public static final String EVERY_CALLER = "*";

    private final List<String> prefixes;
    private final boolean everyCaller;

    public CallerScope(List<String> prefixes) {
        this.prefixes = Collections.unmodifiableList(new ArrayList<String>(prefixes));
        this.everyCaller = prefixes.contains(EVERY_CALLER);
    }

    public boolean everyCaller() {
        return everyCaller;
    }

    public List<String> prefixes() {
        return prefixes;
    }

    /**
     * A prefix ending in {@code .} names a package and its sub-packages; any other prefix names a
     * class and its nested classes, so {@code com.acme.Client} does not also admit
     * {@code com.acme.ClientOfAttacker}.
     */
    public boolean includes(String className) {
        if (everyCaller) {
            return true;
        }
        for (String prefix : prefixes) {
            if (prefix.endsWith(".")) {
                if (className.startsWith(prefix)) {
                    return true;
                }
            } else if (className.equals(prefix) || className.startsWith(prefix + "$")) {
                return true;
            }
        }
        return false;
    }

    /** What to add to {@code rewrite.callers} to admit {@code className}: the class, or its package. */
    public static String suggestion(String className) {
        String outer = className.indexOf('$') > 0 ? className.substring(0, className.indexOf('$')) : className;
        int dot = outer.lastIndexOf('.');
        return dot > 0 ? "'" + outer + "' (or its package '" + outer.substring(0, dot + 1) + "')" : "'" + outer + "'";
    }
}
