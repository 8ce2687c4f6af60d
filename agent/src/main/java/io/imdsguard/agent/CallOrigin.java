package io.imdsguard.agent;

/** Where and on which thread the application made a request that is sent later, elsewhere. */
public final class CallOrigin {

    private final StackTraceElement[] stack;
    private final String thread;

    private CallOrigin(StackTraceElement[] stack, String thread) {
        this.stack = stack;
        this.thread = thread;
    }

    /** The current thread's stack, now. */
    public static CallOrigin here() {
        return new CallOrigin(new Throwable().getStackTrace(), Thread.currentThread().getName());
    }

    public StackTraceElement[] stack() {
        return stack;
    }

    public String thread() {
        return thread;
    }
}
