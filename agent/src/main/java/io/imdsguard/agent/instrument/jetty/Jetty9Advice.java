package io.imdsguard.agent.instrument.jetty;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.bootstrap.ImdsBridge;
import io.imdsguard.bootstrap.RelayHeaders;
import net.bytebuddy.asm.Advice;
import org.eclipse.jetty.client.HttpConversation;
import org.eclipse.jetty.client.HttpRequest;
import org.eclipse.jetty.client.HttpResponse;
import org.eclipse.jetty.client.api.Request;
import org.eclipse.jetty.http.HttpField;

/**
 * Advice for Jetty's {@code HttpClient} 9.4, 10 and 11 (package {@code org.eclipse.jetty.client},
 * API in {@code org.eclipse.jetty.client.api}); see {@link JettyInstrumentation}. Compiled against
 * 9.4, it must link against 10 and 11 too, where {@code HttpFields} became an interface: so headers
 * are only ever walked as a {@code java.lang.Iterable} of {@code HttpField} (a class in every
 * version), and never through a method of {@code HttpFields}.
 */
public final class Jetty9Advice {

    private Jetty9Advice() {}

    /**
     * Inlined at the start of {@code HttpDestination.send(HttpRequest, List)}, which every {@code
     * request.send()}, {@code request.send(listener)} and redirect passes through on the thread
     * that called {@code send}, before the request is queued.
     */
    public static final class Send {

        private Send() {}

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static void enter(@Advice.Argument(0) HttpRequest request) {
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
                    if (ImdsRequest.TOKEN_HEADER.equalsIgnoreCase(name)) {
                        token = true;
                    } else if (RelayHeaders.isRelayHeader(name)) {
                        forwarded = true;
                    }
                }
            }
            // HttpRedirector counts the redirects it followed on the conversation: a request sent
            // with
            // that count set is Jetty following a redirect, never the application's own URL.
            HttpConversation conversation = request.getConversation();
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
                                JettyInstrumentation.CLIENT,
                                request.getMethod(),
                                url,
                                token,
                                forwarded);
            } finally {
                if (redirectHop) {
                    ImdsBridge.followingRedirect(false);
                }
            }
            if (value != null) {
                request.header(ImdsRequest.TOKEN_HEADER, value);
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
                    if (ImdsRequest.TOKEN_HEADER.equalsIgnoreCase(field.getName())) {
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
