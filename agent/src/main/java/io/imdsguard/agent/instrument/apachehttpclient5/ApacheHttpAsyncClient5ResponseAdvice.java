package io.imdsguard.agent.instrument.apachehttpclient5;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.bootstrap.ImdsBridge;
import net.bytebuddy.asm.Advice;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;

/**
 * Inlined at the start of {@code AsyncProtocolExec.needAuthentication(..., HttpResponse response,
 * HttpClientContext context)}, which the async exec chain calls for each response (on an I/O
 * thread) before the application sees it. A {@code 401} to a request that carried a token is passed
 * to the agent with the token that was sent, so that the agent drops its own token when IMDS no
 * longer accepts it (the agent ignores any other token). The status check is inlined so that every
 * other answer costs one comparison.
 */
public final class ApacheHttpAsyncClient5ResponseAdvice {

    private ApacheHttpAsyncClient5ResponseAdvice() {}

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(
            @Advice.Argument(5) HttpResponse response,
            @Advice.Argument(6) HttpClientContext context) {
        if (response == null || response.getCode() != 401 || context == null) {
            return;
        }
        HttpRequest sent = context.getRequest();
        if (sent == null || sent.getScheme() == null || sent.getAuthority() == null) {
            return;
        }
        Header token = sent.getFirstHeader(ImdsRequest.TOKEN_HEADER);
        if (token != null) {
            ImdsBridge.unauthorized(
                    sent.getScheme() + "://" + sent.getAuthority() + "/", token.getValue());
        }
    }
}
