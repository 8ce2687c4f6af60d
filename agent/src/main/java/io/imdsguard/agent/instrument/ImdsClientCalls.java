package io.imdsguard.agent.instrument;

/**
 * Whether the current thread is inside an instrumented client's handling of an IMDS request, whose
 * advice counts it in and out around the method. The socket catch-all asks, for each IMDS socket
 * whose stream is taken: inside, the client's own instrumentation sees the request, and the
 * catch-all need not walk the stack to find that out.
 */
public final class ImdsClientCalls {

    /** Nested calls: HttpURLConnection.getInputStream calls connect, both advised. */
    private static final ThreadLocal<int[]> DEPTH =
            new ThreadLocal<int[]>() {
                @Override
                protected int[] initialValue() {
                    return new int[1];
                }
            };

    private ImdsClientCalls() {}

    public static void enter() {
        DEPTH.get()[0]++;
    }

    public static void leave() {
        int[] depth = DEPTH.get();
        if (depth[0] > 0) {
            depth[0]--;
        }
    }

    public static boolean inside() {
        return DEPTH.get()[0] > 0;
    }
}
