package io.imdsguard.agent.instrument.httpurlconnection;

import io.imdsguard.bootstrap.ImdsBridge;
import java.net.HttpURLConnection;
import net.bytebuddy.asm.Advice;

/**
 * Inlined at the start of {@code connect()}, {@code getInputStream()} and {@code getOutputStream()}
 * of {@code sun.net.www.protocol.http.HttpURLConnection}: every way of sending a request ({@code
 * getResponseCode}, {@code URL.openStream}, ...) starts in one of them, and every redirect hop
 * passes through {@code connect()}. At the first of them the request headers can still be changed:
 * the other two mark the connection as connecting in their body, after this advice. The nested
 * calls of one request are told apart by {@link HttpUrlConnectionRequests#firstEntry}.
 */
public final class HttpUrlConnectionAdvice {

    private HttpUrlConnectionAdvice() {}

    /**
     * @return true for an IMDS request, which {@link #leftConnect} counts out again
     */
    @Advice.OnMethodEnter(suppress = Throwable.class)
    static boolean beforeConnect(
            @Advice.This HttpURLConnection connection,
            @Advice.FieldValue("connected") boolean connected,
            @Advice.FieldValue("instProxy") java.net.Proxy clientProxy) {
        // instProxy: what openConnection(Proxy) was given, null for the JVM's default proxy
        // settings.
        return !connected
                && ImdsBridge.sending(HttpUrlConnectionRequests.CLIENT, connection, clientProxy)
                        != null;
    }

    /**
     * While an IMDS request is inside the method, the socket catch-all knows this client sees it:
     * it need not walk the stack for each new IMDS connection. A non-IMDS request costs one test.
     */
    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void leftConnect(@Advice.Enter boolean imds) {
        if (imds) {
            ImdsBridge.leftImdsCall();
        }
    }

    /**
     * Inlined at the end of {@code getInputStream()} (which {@code getResponseCode()} calls too),
     * including when it throws, as it does for a 401: a rejected token must be dropped. The status
     * check is inlined so that every other answer costs one comparison.
     */
    public static final class Response {
        private Response() {}

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void afterResponse(
                @Advice.This HttpURLConnection connection,
                @Advice.FieldValue("responseCode") int responseCode) {
            if (responseCode == 401) {
                ImdsBridge.answered(
                        HttpUrlConnectionRequests.CLIENT, connection, null, null, responseCode);
            }
        }
    }

    /**
     * Inlined at the end of {@code connect()}, {@code getInputStream()} and {@code
     * getOutputStream()}: a request that failed (timeout, refused, or an error status, which {@code
     * getInputStream()} throws, even inside {@code getResponseCode()}) is reported, so that a
     * failed token PUT can be diagnosed. A request that succeeds costs one comparison.
     */
    public static final class Failure {
        private Failure() {}

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void afterFailure(
                @Advice.This HttpURLConnection connection,
                @Advice.FieldValue("responseCode") int responseCode,
                @Advice.Thrown Throwable thrown) {
            if (thrown != null) {
                ImdsBridge.answered(
                        HttpUrlConnectionRequests.CLIENT, connection, null, thrown, responseCode);
            }
        }
    }

    /**
     * Inlined around {@code followRedirect()}, which connects to the redirect's target from inside:
     * a request to IMDS that connects while it runs reached IMDS by a redirect, and is never
     * rewritten. Only redirect answers pay for it.
     */
    public static final class Redirect {
        private Redirect() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter() {
            ImdsBridge.followingRedirect(true);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit() {
            ImdsBridge.followingRedirect(false);
        }
    }
}
