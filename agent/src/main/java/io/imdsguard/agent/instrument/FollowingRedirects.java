package io.imdsguard.agent.instrument;

/**
 * Whether a client is handling a redirect answer on this thread: HttpURLConnection's {@code
 * followRedirect}, Jetty's, Vert.x's and Reactor Netty's redirect hops while their hooks judge
 * them. A request to IMDS judged meanwhile reached it by a redirect, and is never rewritten.
 */
public final class FollowingRedirects {

    /** Depth: a redirect hop may be judged inside another client's redirect handling. */
    private static final ThreadLocal<int[]> DEPTH =
            new ThreadLocal<int[]>() {
                @Override
                protected int[] initialValue() {
                    return new int[1];
                }
            };

    private FollowingRedirects() {}

    /**
     * A client enters ({@code true}) or leaves its handling of a redirect answer on this thread.
     */
    public static void following(boolean entering) {
        int[] depth = DEPTH.get();
        if (entering) {
            depth[0]++;
        } else if (depth[0] > 0) {
            depth[0]--;
        }
    }

    /** Whether the request now judged on this thread is a client following a redirect. */
    public static boolean onThisThread() {
        return DEPTH.get()[0] > 0;
    }
}
