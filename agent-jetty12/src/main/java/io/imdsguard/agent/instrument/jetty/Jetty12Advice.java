package io.imdsguard.agent.instrument.jetty;

import io.imdsguard.bootstrap.ImdsBridge;
import io.imdsguard.bootstrap.RelayHeaders;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.transport.HttpConversation;
import org.eclipse.jetty.client.transport.HttpRequest;
import org.eclipse.jetty.client.transport.HttpResponse;
import org.eclipse.jetty.http.HttpField;

/**
 * Advice for Jetty's {@code HttpClient} 12 (API in {@code org.eclipse.jetty.client}, implementation
 * in {@code org.eclipse.jetty.client.transport}); see {@code JettyInstrumentation} in the agent
 * module. It lives in a module of its own (agent-jetty12) because it is compiled against Jetty 12,
 * and the agent module against Jetty 9.4, which uses the same class names; the agent bundles it.
 * Java 8 bytecode like the rest of the agent: it only names Jetty types, which Jetty 12 (Java 17)
 * resolves at run time.
 */
public final class Jetty12Advice {

    /**
     * {@code JettyInstrumentation.CLIENT}, which this module cannot see (the agent depends on it,
     * not the other way round); {@code JettyInstrumentationTest} checks that the two agree.
     */
    static final String CLIENT = "jetty-httpclient";

    /** {@code detect.ImdsRequest.TOKEN_HEADER}, out of this module's sight for the same reason. */
    static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";

    private Jetty12Advice() {}

    /**
     * Inlined at the start of {@code HttpDestination.send(Request, Response.CompleteListener)},
     * which every {@code request.send()}, {@code request.send(listener)}, {@code
     * Destination.send(...)} and redirect passes through on the thread that called {@code send},
     * before the request is queued. A redirect hop is marked as one, so that it is never rewritten,
     * whatever its call site.
     */
    public static final class Send {

        private Send() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) Request request) {
            if (request == null || request.getScheme() == null || request.getHost() == null) {
                return;
            }
            String host = request.getHost();
            if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
                host = "[" + host + "]";
            }
            String path = request.getPath();
            String query = request.getQuery();
            String url =
                    request.getScheme()
                            + "://"
                            + host
                            + (request.getPort() > 0 ? ":" + request.getPort() : "")
                            + (path == null || path.isEmpty() ? "/" : path)
                            + (query == null ? "" : "?" + query);
            boolean token = false;
            boolean forwarded = false;
            Iterable<?> headers = request.getHeaders();
            if (headers != null) {
                for (Object header : headers) {
                    String name = ((HttpField) header).getName();
                    if (TOKEN_HEADER.equalsIgnoreCase(name)) {
                        token = true;
                    } else if (RelayHeaders.isRelayHeader(name)) {
                        forwarded = true;
                    }
                }
            }
            // HttpRedirector counts the redirects it followed on the conversation: a request sent
            // with
            // that count set is Jetty following a redirect, never the application's own URL.
            HttpConversation conversation =
                    request instanceof HttpRequest
                            ? ((HttpRequest) request).getConversation()
                            : null;
            boolean redirectHop =
                    conversation != null
                            && conversation.getAttribute(
                                            "org.eclipse.jetty.client.HttpRedirector.redirects")
                                    != null;
            if (redirectHop) {
                ImdsBridge.followingRedirect(true);
            }
            String value;
            try {
                value =
                        ImdsBridge.beforeRequest(
                                CLIENT, request.getMethod(), url, token, forwarded);
            } finally {
                if (redirectHop) {
                    ImdsBridge.followingRedirect(false);
                }
            }
            if (value != null && request instanceof HttpRequest) {
                // HttpDestination.send casts to HttpRequest itself; headers(Consumer) would need a
                // lambda,
                // which inlined advice cannot carry.
                ((HttpRequest) request).addHeader(new HttpField(TOKEN_HEADER, value));
            }
        }
    }

    /**
     * Inlined at the start of {@code HttpResponse.status(int)}, where every response's status is
     * set (on an I/O thread, for blocking and asynchronous requests alike): a {@code 401} to a
     * request that carried a token lets the agent drop that token if it was its own.
     */
    public static final class Status {

        private Status() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.This HttpResponse response, @Advice.Argument(0) int status) {
            if (status != 401) {
                return;
            }
            Request request = response.getRequest();
            if (request == null) {
                return;
            }
            String sent = null;
            Iterable<?> headers = request.getHeaders();
            if (headers != null) {
                for (Object header : headers) {
                    HttpField field = (HttpField) header;
                    if (TOKEN_HEADER.equalsIgnoreCase(field.getName())) {
                        sent = field.getValue();
                    }
                }
            }
            if (sent == null || request.getScheme() == null || request.getHost() == null) {
                return;
            }
            String host = request.getHost();
            if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
                host = "[" + host + "]";
            }
            String path = request.getPath();
            ImdsBridge.unauthorized(
                    request.getScheme()
                            + "://"
                            + host
                            + (request.getPort() > 0 ? ":" + request.getPort() : "")
                            + (path == null || path.isEmpty() ? "/" : path),
                    sent);
        }
    }
}
