package io.imdsguard.agent.instrument.apachehttpclient5;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.bootstrap.ImdsBridge;
import io.imdsguard.bootstrap.RelayHeaders;
import net.bytebuddy.asm.Advice;
import org.apache.hc.core5.http.HttpRequest;

/**
 * Inlined at the start of {@code InternalAbstractHttpAsyncClient.executeImmediate(HttpRequest,
 * ...)} (see {@link ApacheHttpAsyncClient5Instrumentation}), which receives the library's own copy
 * of the request with scheme and authority already filled in from the target.
 */
public final class ApacheHttpAsyncClient5Advice {

    private ApacheHttpAsyncClient5Advice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) HttpRequest request) {
        if (request == null || request.getScheme() == null || request.getAuthority() == null) {
            return;
        }
        String path = request.getPath();
        String url =
                request.getScheme()
                        + "://"
                        + request.getAuthority()
                        + (path == null || path.isEmpty()
                                ? "/"
                                : path.startsWith("/") ? path : "/" + path);
        boolean relayed = false;
        for (String name : RelayHeaders.NAMES) {
            relayed |= request.containsHeader(name);
        }
        String token =
                ImdsBridge.beforeRequest(
                        "apache-httpclient-5-async",
                        request.getMethod(),
                        url,
                        request.containsHeader(ImdsRequest.TOKEN_HEADER),
                        relayed);
        if (token != null) {
            request.setHeader(ImdsRequest.TOKEN_HEADER, token);
        }
    }
}
