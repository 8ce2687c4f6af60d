package io.imdsguard.agent.detect;

/**
 * The class of each frame of a stack trace, which {@link StackTraceElement} only names: a library
 * is told from the application by where its classes came from. {@code
 * SecurityManager.getClassContext} gives the classes on every Java version without installing a
 * security manager; it leaves out frames a trace shows (reflection), so the two are matched by
 * name.
 */
public final class StackClasses {

    private StackClasses() {}

    /**
     * The classes of {@code stack}, a trace of the current thread taken by the caller just now;
     * null where a frame's class is not found, or all null when the JVM does not tell.
     */
    public static Class<?>[] of(StackTraceElement[] stack) {
        Class<?>[] classes = new Class<?>[stack.length];
        Class<?>[] context;
        try {
            context = new ClassContext().classes();
        } catch (Throwable t) {
            return classes;
        }
        int next = 0;
        for (int i = 0; i < stack.length && next < context.length; i++) {
            String name = stack[i].getClassName();
            // the trace has frames the context lacks, never the reverse beyond the frames of this
            // method and its callers, which are the agent's: look a few frames ahead for the match
            for (int k = next; k < context.length && k < next + 8; k++) {
                if (context[k] != null && context[k].getName().equals(name)) {
                    classes[i] = context[k];
                    next = k + 1;
                    break;
                }
            }
        }
        return classes;
    }

    /**
     * The classes of the current thread's frames, innermost first; empty when the JVM does not
     * tell.
     */
    static Class<?>[] current() {
        try {
            return new ClassContext().classes();
        } catch (Throwable t) {
            return new Class<?>[0];
        }
    }

    @SuppressWarnings("removal")
    private static final class ClassContext extends SecurityManager {
        Class<?>[] classes() {
            return getClassContext();
        }
    }
}
