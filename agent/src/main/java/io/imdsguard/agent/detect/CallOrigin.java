package io.imdsguard.agent.detect;

/** Where and on which thread the application made a request that is sent later, elsewhere. */
public final class CallOrigin {

    private final StackTraceElement[] stack;
    private final Class<?>[] classes;
    private final String thread;

    private CallOrigin(StackTraceElement[] stack, Class<?>[] classes, String thread) {
        this.stack = stack;
        this.classes = classes;
        this.thread = thread;
    }

    /** The current thread's stack, now. */
    public static CallOrigin here() {
        StackTraceElement[] stack = new Throwable().getStackTrace();
        return new CallOrigin(stack, StackClasses.of(stack), Thread.currentThread().getName());
    }

    public StackTraceElement[] stack() {
        return stack;
    }

    /**
     * The class of each frame of {@link #stack()}, null where unknown: which frames are a
     * library's.
     */
    public Class<?>[] classes() {
        return classes;
    }

    public String thread() {
        return thread;
    }
}
