package io.imdsguard.agent.instrument.jdkhttpclient;

import io.imdsguard.agent.detect.ImdsRequest;
import io.imdsguard.agent.log.AgentLog;
import io.imdsguard.agent.rewrite.LazyTokenProvider;
import io.imdsguard.agent.rewrite.TokenProvider;
import io.imdsguard.agent.rewrite.TokenResult;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A rewritten request answered 401 (IMDS restarted, or the token expired early) is sent once more
 * with a fresh token, so that the application sees the answer a v2 client would get. Never more
 * than once: the retry itself is not watched.
 */
public final class JdkHttpRetry {

    private static final ThreadLocal<Expected> EXPECTED = new ThreadLocal<Expected>();
    private static final ThreadLocal<Boolean> RETRYING = new ThreadLocal<Boolean>();

    private final JdkHttpRequests requests;
    private final LazyTokenProvider tokens;
    private final AgentLog log;

    public JdkHttpRetry(JdkHttpRequests requests, LazyTokenProvider tokens, AgentLog log) {
        this.requests = requests;
        this.tokens = tokens;
        this.log = log;
    }

    /** True on the thread that is sending a retry; the instrumentation lets that request pass. */
    public static boolean retrying() {
        return RETRYING.get() != null;
    }

    /** The request about to be sent carries the agent's token: watch its answer. */
    public void expect(Object request, String origin, String token) {
        EXPECTED.set(new Expected(request, origin, token));
    }

    @SuppressWarnings("unchecked")
    public Object wrap(
            final Object client, final Object sentRequest, final Object handler, Object future) {
        Expected expected = EXPECTED.get();
        if (expected == null) {
            return future;
        }
        EXPECTED.remove();
        if (expected.request != sentRequest || !(future instanceof CompletableFuture)) {
            return future;
        }
        final String origin = expected.origin;
        final String token = expected.token;
        return ((CompletableFuture<Object>) future)
                .thenCompose(
                        new Function<Object, CompletableFuture<Object>>() {
                            @Override
                            public CompletableFuture<Object> apply(Object response) {
                                return retryIfRejected(
                                        client, sentRequest, handler, response, origin, token);
                            }
                        });
    }

    private CompletableFuture<Object> retryIfRejected(
            Object client,
            Object sentRequest,
            Object handler,
            Object response,
            String origin,
            String token) {
        try {
            // Only a rewritten request is watched, so rewrite mode made the provider.
            TokenProvider tokens = this.tokens.existing();
            if (tokens == null || requests.statusCode(response) != 401) {
                return CompletableFuture.completedFuture(response);
            }
            tokens.rejected(origin, token);
            TokenResult fresh = tokens.token(origin);
            if (!fresh.ok() || fresh.value().equals(token)) {
                return CompletableFuture.completedFuture(response);
            }
            Object again =
                    requests.withHeader(sentRequest, ImdsRequest.TOKEN_HEADER, fresh.value());
            RETRYING.set(Boolean.TRUE);
            try {
                return requests.sendAsync(client, again, handler);
            } finally {
                RETRYING.remove();
            }
        } catch (Throwable t) {
            log.internalError(JdkHttpRequests.CLIENT + " retry", t);
            return CompletableFuture.completedFuture(response);
        }
    }

    private static final class Expected {
        final Object request;
        final String origin;
        final String token;

        Expected(Object request, String origin, String token) {
            this.request = request;
            this.origin = origin;
            this.token = token;
        }
    }
}
