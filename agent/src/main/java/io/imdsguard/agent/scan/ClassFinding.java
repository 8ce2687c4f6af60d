package io.imdsguard.agent.scan;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One class whose constants name IMDS: which methods use which of them. */
final class ClassFinding {

    /** Binary name with dots, e.g. {@code com.acme.Info$Inner}. */
    final String className;

    /** The SourceFile attribute, e.g. {@code Info.java}; null when compiled without it. */
    final String sourceFile;

    final List<MethodUse> methods;

    /**
     * Each method's calls to methods of its own nest, as {@code class.method}: how a v1 path
     * reaches a token.
     */
    final Map<String, Set<String>> calls;

    ClassFinding(
            String className,
            String sourceFile,
            List<MethodUse> methods,
            Map<String, Set<String>> calls) {
        this.className = className;
        this.sourceFile = sourceFile;
        this.methods = Collections.unmodifiableList(new ArrayList<MethodUse>(methods));
        this.calls = calls;
    }

    Set<ImdsMarker> markers() {
        Set<ImdsMarker> all = EnumSet.noneOf(ImdsMarker.class);
        for (MethodUse method : methods) {
            all.addAll(method.markers);
        }
        return all;
    }

    /**
     * The class that a nest (inner and anonymous classes, lambdas) shares: the name before the
     * first {@code $}.
     */
    String nestHost() {
        return nestHost(className);
    }

    static String nestHost(String className) {
        int dollar = className.indexOf('$');
        return dollar > 0 ? className.substring(0, dollar) : className;
    }

    /** A method (or a field's constant value) that uses IMDS constants. */
    static final class MethodUse {
        /** The method's name, or {@code <field NAME>} for a constant only a field holds. */
        final String name;

        /** The source line of its first IMDS constant; -1 when unknown. */
        final int line;

        final Set<ImdsMarker> markers;

        /** The IMDS constants it uses, in order of first use. */
        final List<String> constants;

        /**
         * How a method without the constants itself gets them, e.g. {@code called with it by
         * accessKeyId} or {@code from url}; null for a method that uses them itself.
         */
        final String via;

        MethodUse(String name, int line, Set<ImdsMarker> markers, List<String> constants) {
            this(name, line, markers, constants, null);
        }

        MethodUse(
                String name,
                int line,
                Set<ImdsMarker> markers,
                List<String> constants,
                String via) {
            this.name = name;
            this.line = line;
            this.markers = markers;
            this.constants = constants;
            this.via = via;
        }

        /**
         * As a stack frame prints it, {@code com.acme.Info.region(Info.java:42)}, so it matches
         * runtime sites.
         */
        String frame(ClassFinding owner) {
            String file = owner.sourceFile != null ? owner.sourceFile : "Unknown Source";
            return owner.className + "." + name + "(" + file + (line > 0 ? ":" + line : "") + ")";
        }
    }
}
