package io.imdsguard.bootstrap;

/**
 * The single entry point of advice woven into client classes. It is put into the bootstrap loader
 * at start-up, so it is visible from {@code java.base}, {@code java.net.http} and every library's
 * loader; the real work happens in the listener the agent core installs. It speaks a few verbs
 * every client uses (see {@link ImdsRequestListener}); what a client's objects mean is its folder's
 * business.
 *
 * <p>Nothing here may throw into the application: every verb answers "change nothing" when no
 * listener is installed, and hands whatever escapes the listener to {@link #escaped}, which tells
 * the agent's log once.
 */
public final class ImdsBridge {

    private static volatile ImdsRequestListener listener;

    private ImdsBridge() {}

    public static void install(ImdsRequestListener newListener) {
        listener = newListener;
    }

    /**
     * The one answer to a failure that escaped the listener: the agent's log is told once, the
     * request goes on.
     */
    private static void escaped(String verb, Throwable error) {
        try {
            ImdsRequestListener current = listener;
            if (current != null) {
                current.escaped(verb, error);
            }
        } catch (Throwable ignored) {
            // Even the log failed: the application must still not see it.
        }
    }

    /** False when no listener is installed or it fails: the request then goes on untouched. */
    public static boolean isImds(String scheme, String host, int port) {
        ImdsRequestListener current = listener;
        if (current == null || host == null) {
            return false;
        }
        try {
            return current.isImds(scheme, host, port);
        } catch (Throwable t) {
            escaped("isImds", t);
            return false;
        }
    }

    /**
     * {@link #beforeRequest(String, String, String, boolean, boolean, Object, Object)}, routed by
     * the JVM's defaults, on this thread.
     */
    public static String beforeRequest(
            String client, String method, String url, boolean carriesToken, boolean forwardedFor) {
        return beforeRequest(client, method, url, carriesToken, forwardedFor, null, null);
    }

    /**
     * @return the token header to set, or null to change nothing
     */
    public static String beforeRequest(
            String client,
            String method,
            String url,
            boolean carriesToken,
            boolean forwardedFor,
            Object clientRoute,
            Object callSiteKey) {
        ImdsRequestListener current = listener;
        if (current == null) {
            return null;
        }
        try {
            return current.beforeRequest(
                    client, method, url, carriesToken, forwardedFor, clientRoute, callSiteKey);
        } catch (Throwable t) {
            escaped(client, t);
            return null;
        }
    }

    /**
     * @return true when the call was counted in: the advice then calls {@link #leftImdsCall} on
     *     leaving
     */
    public static boolean enteredImdsCall() {
        ImdsRequestListener current = listener;
        if (current == null) {
            return false;
        }
        try {
            current.enteredImdsCall();
            return true;
        } catch (Throwable t) {
            escaped("enteredImdsCall", t);
            return false;
        }
    }

    public static void leftImdsCall() {
        ImdsRequestListener current = listener;
        if (current == null) {
            return;
        }
        try {
            current.leftImdsCall();
        } catch (Throwable t) {
            escaped("leftImdsCall", t);
        }
    }

    public static void followingRedirect(boolean entering) {
        ImdsRequestListener current = listener;
        if (current == null) {
            return;
        }
        try {
            current.followingRedirect(entering);
        } catch (Throwable t) {
            escaped("followingRedirect", t);
        }
    }

    public static void unauthorized(String url, String sentToken) {
        ImdsRequestListener current = listener;
        if (current == null || sentToken == null) {
            return;
        }
        try {
            current.unauthorized(url, sentToken);
        } catch (Throwable t) {
            escaped("unauthorized", t);
        }
    }

    public static void rememberCallSite(Object key, String url) {
        ImdsRequestListener current = listener;
        if (current == null || key == null) {
            return;
        }
        try {
            current.rememberCallSite(key, url);
        } catch (Throwable t) {
            escaped("rememberCallSite", t);
        }
    }

    public static void passCallSite(Object from, Object to) {
        ImdsRequestListener current = listener;
        if (current == null || from == null || to == null) {
            return;
        }
        try {
            current.passCallSite(from, to);
        } catch (Throwable t) {
            escaped("passCallSite", t);
        }
    }

    /**
     * @return null to go on with {@code request} as it is (and, for a synchronous client, not
     *     counted in)
     */
    public static Object sending(String client, Object request, Object route) {
        ImdsRequestListener current = listener;
        if (current == null || request == null) {
            return null;
        }
        try {
            return current.sending(client, request, route);
        } catch (Throwable t) {
            escaped(client, t);
            return null;
        }
    }

    /**
     * @return null to hand on {@code answer} as it is
     */
    public static Object answered(
            String client, Object request, Object sender, Object answer, Object detail) {
        ImdsRequestListener current = listener;
        if (current == null || request == null) {
            return null;
        }
        try {
            return current.answered(client, request, sender, answer, detail);
        } catch (Throwable t) {
            escaped(client, t);
            return null;
        }
    }

    /** False when no listener is installed or it fails: the client then follows as it would. */
    public static boolean refusesRedirect(String client, Object sentRequest) {
        ImdsRequestListener current = listener;
        if (current == null || sentRequest == null) {
            return false;
        }
        try {
            return current.refusesRedirect(client, sentRequest);
        } catch (Throwable t) {
            escaped(client, t);
            return false;
        }
    }

    public static void channelConnecting(Object channel, java.net.SocketAddress remote) {
        ImdsRequestListener current = listener;
        if (current == null || remote == null) {
            return;
        }
        try {
            current.channelConnecting(channel, remote);
        } catch (Throwable ignored) {
            // see beforeConnect
        }
    }

    /**
     * Never throws: the advice throws what this returns when it is an {@link java.io.IOException},
     * a refusal the agent decided on, and hands anything else but null to {@link #channelWritten}
     * after the write.
     */
    public static Object channelWrite(
            Object channel,
            java.nio.ByteBuffer single,
            java.nio.ByteBuffer[] sources,
            int offset,
            int length) {
        ImdsRequestListener current = listener;
        if (current == null) {
            return null;
        }
        try {
            return current.channelWrite(channel, single, sources, offset, length);
        } catch (Throwable ignored) {
            return null;
        }
    }

    public static void channelWritten(Object seen, long sent) {
        ImdsRequestListener current = listener;
        if (current == null) {
            return;
        }
        try {
            current.channelWritten(seen, sent);
        } catch (Throwable ignored) {
            // see beforeConnect
        }
    }
}
