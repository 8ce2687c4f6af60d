package io.imdsguard.agent.instrument.jdkhttpclient;

import io.imdsguard.agent.diagnose.TokenAttempt;
import io.imdsguard.agent.diagnose.TokenFailure;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Ties an application's {@code java.net.http} token PUT to its response future, so that a diagnosis
 * can ask later how the PUT ended. Nothing is attached to the future: its outcome is read only when
 * a diagnosis needs it, which also avoids racing the application's own wait for it.
 */
public final class JdkTokenOutcomes {

    /** The token PUT this thread is sending: set before the send, taken right after it. */
    private static final ThreadLocal<Sending> SENDING = new ThreadLocal<Sending>();

    private final JdkHttpRequests requests;

    public JdkTokenOutcomes(JdkHttpRequests requests) {
        this.requests = requests;
    }

    public void sending(Object request, TokenAttempt attempt) {
        if (attempt != null) {
            SENDING.set(new Sending(request, attempt));
        }
    }

    /** After every send: one thread-local lookup unless this thread is sending a token PUT. */
    public void sent(Object request, Object future) {
        Sending sending = SENDING.get();
        if (sending == null) {
            return;
        }
        SENDING.remove();
        if (sending.request == request && future instanceof CompletableFuture) {
            sending.attempt.outcomeLater(new Outcome((CompletableFuture<?>) future));
        }
    }

    private final class Outcome implements TokenAttempt.PendingOutcome {
        private final CompletableFuture<?> future;

        Outcome(CompletableFuture<?> future) {
            this.future = future;
        }

        @Override
        public String failure() {
            if (!future.isDone()) {
                return null;
            }
            try {
                int status = requests.statusCode(future.getNow(null));
                return status == 200 ? null : TokenFailure.of(status, null);
            } catch (CompletionException | CancellationException e) {
                return TokenFailure.of(0, e);
            } catch (Throwable t) {
                return null;
            }
        }
    }

    private static final class Sending {
        final Object request;
        final TokenAttempt attempt;

        Sending(Object request, TokenAttempt attempt) {
            this.request = request;
            this.attempt = attempt;
        }
    }
}
