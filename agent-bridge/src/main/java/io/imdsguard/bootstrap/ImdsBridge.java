package io.imdsguard.bootstrap;

import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;

/**
 * The single entry point of advice woven into JDK classes. It is appended to the bootstrap class
 * path at start-up, so it is visible from {@code java.base} and {@code java.net.http}; the real
 * work happens in the listener the agent core installs.
 *
 * <p>Nothing here may throw into the application: the core already guards itself, and this class
 * swallows whatever escapes it as a last line of defence.
 */
public final class ImdsBridge {

    private static volatile ImdsRequestListener listener;

    private ImdsBridge() {
    }

    public static void install(ImdsRequestListener newListener) {
        listener = newListener;
    }

    /** @return true when the request is to IMDS: the advice then calls {@link #leftImdsCall} on leaving */
    public static boolean beforeConnect(HttpURLConnection connection, java.net.Proxy clientProxy) {
        ImdsRequestListener current = listener;
        if (current == null) {
            return false;
        }
        try {
            return current.beforeConnect(connection, clientProxy);
        } catch (Throwable ignored) {
            // The core logs its own failures; an escape here must still not reach the application.
            return false;
        }
    }

    /** @return true when the call was counted in: the advice then calls {@link #leftImdsCall} on leaving */
    public static boolean enteredImdsCall() {
        ImdsRequestListener current = listener;
        if (current == null) {
            return false;
        }
        try {
            current.enteredImdsCall();
            return true;
        } catch (Throwable ignored) {
            // see beforeConnect
            return false;
        }
    }

    public static void followingRedirect(boolean entering) {
        ImdsRequestListener current = listener;
        if (current == null) {
            return;
        }
        try {
            current.followingRedirect(entering);
        } catch (Throwable ignored) {
            // see beforeConnect
        }
    }

    public static void leftImdsCall() {
        ImdsRequestListener current = listener;
        if (current == null) {
            return;
        }
        try {
            current.leftImdsCall();
        } catch (Throwable ignored) {
            // see beforeConnect
        }
    }

    public static void unauthorized(HttpURLConnection connection) {
        ImdsRequestListener current = listener;
        if (current == null) {
            return;
        }
        try {
            current.unauthorized(connection);
        } catch (Throwable ignored) {
            // see beforeConnect
        }
    }

    public static Object afterSend(Object httpClient, Object sentRequest, Object bodyHandler, Object responseFuture) {
        ImdsRequestListener current = listener;
        if (current == null) {
            return responseFuture;
        }
        try {
            Object replacement = current.afterSend(httpClient, sentRequest, bodyHandler, responseFuture);
            return replacement != null ? replacement : responseFuture;
        } catch (Throwable ignored) {
            return responseFuture;
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
        } catch (Throwable ignored) {
            return false;
        }
    }

    public static String beforeRequest(String client, String method, String url, boolean carriesToken,
                                       boolean forwardedFor) {
        ImdsRequestListener current = listener;
        if (current == null) {
            return null;
        }
        try {
            return current.beforeRequest(client, method, url, carriesToken, forwardedFor);
        } catch (Throwable ignored) {
            return null;
        }
    }

    public static String beforeRoutedRequest(String client, String method, String url, boolean carriesToken,
                                             boolean forwardedFor, Object clientRoute) {
        ImdsRequestListener current = listener;
        if (current == null) {
            return null;
        }
        try {
            return current.beforeRoutedRequest(client, method, url, carriesToken, forwardedFor, clientRoute);
        } catch (Throwable ignored) {
            return null;
        }
    }

    public static void rememberCallSite(Object key, String url) {
        ImdsRequestListener current = listener;
        if (current == null || key == null) {
            return;
        }
        try {
            current.rememberCallSite(key, url);
        } catch (Throwable ignored) {
            // see beforeConnect
        }
    }

    public static void passCallSite(Object from, Object to) {
        ImdsRequestListener current = listener;
        if (current == null || from == null || to == null) {
            return;
        }
        try {
            current.passCallSite(from, to);
        } catch (Throwable ignored) {
            // see beforeConnect
        }
    }

    public static String beforeRequestFor(Object key, String client, String method, String url,
                                          boolean carriesToken, boolean forwardedFor) {
        ImdsRequestListener current = listener;
        if (current == null) {
            return null;
        }
        try {
            return current.beforeRequestFor(key, client, method, url, carriesToken, forwardedFor);
        } catch (Throwable ignored) {
            return null;
        }
    }

    public static void unauthorized(String url, String sentToken) {
        ImdsRequestListener current = listener;
        if (current == null || sentToken == null) {
            return;
        }
        try {
            current.unauthorized(url, sentToken);
        } catch (Throwable ignored) {
            // see beforeConnect
        }
    }

    public static OutputStream socketOutput(Socket socket, OutputStream out) {
        ImdsRequestListener current = listener;
        if (current == null || out == null) {
            return out;
        }
        try {
            OutputStream replacement = current.socketOutput(socket, out);
            return replacement != null ? replacement : out;
        } catch (Throwable ignored) {
            return out;
        }
    }

    public static Object beforeSend(Object httpClient, Object httpRequest) {
        ImdsRequestListener current = listener;
        if (current == null) {
            return httpRequest;
        }
        try {
            Object replacement = current.beforeSend(httpClient, httpRequest);
            return replacement != null ? replacement : httpRequest;
        } catch (Throwable ignored) {
            return httpRequest;
        }
    }

    /** False when no listener is installed or it fails: the client then follows as it would. */
    public static boolean refusesRedirect(Object sentRequest) {
        ImdsRequestListener current = listener;
        if (current == null || sentRequest == null) {
            return false;
        }
        try {
            return current.refusesRedirect(sentRequest);
        } catch (Throwable ignored) {
            return false;
        }
    }

    public static void failed(HttpURLConnection connection, int responseCode, Throwable thrown) {
        ImdsRequestListener current = listener;
        if (current == null) {
            return;
        }
        try {
            current.failed(connection, responseCode, thrown);
        } catch (Throwable ignored) {
            // see beforeConnect
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
     * Never throws: the advice throws what this returns when it is an {@link java.io.IOException}, a refusal
     * the agent decided on, and hands anything else but null to {@link #channelWritten} after the write.
     */
    public static Object channelWrite(Object channel, java.nio.ByteBuffer single,
                                      java.nio.ByteBuffer[] sources, int offset, int length) {
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
