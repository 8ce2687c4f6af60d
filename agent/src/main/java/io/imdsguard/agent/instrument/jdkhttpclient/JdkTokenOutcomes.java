package io.imdsguard.agent.instrument.jdkhttpclient;

import io.imdsguard.agent.diagnose.TokenAttempt;
import io.imdsguard.agent.diagnose.TokenFailure;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;

/**
 * Ties an application's {@code java.net.http} token PUT to its response future, so that a diagnosis
 * can tell how the PUT ended. The outcome is settled when the future completes, and then the future
 * (whose response holds the token) is let go. Until then it can also be read on demand: the
 * application's own wait on a failed future may wake up, and fall back to v1, before the completion
 * callback has run.
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
            final CompletableFuture<?> response = (CompletableFuture<?>) future;
            final TokenAttempt attempt = sending.attempt;
            attempt.outcomeLater(
                    new TokenAttempt.PendingOutcome() {
                        @Override
                        public String failure() {
                            return response.isDone() ? failureOf(response) : null;
                        }
                    });
            // A dependent stage of its own: the application's future and its result stay as they
            // were.
            response.whenComplete(
                    new BiConsumer<Object, Throwable>() {
                        @Override
                        public void accept(Object ignored, Throwable error) {
                            attempt.settle(failureOf(response));
                        }
                    });
        }
    }

    /** Null when the PUT got its 200 (or its outcome cannot be read). */
    private String failureOf(CompletableFuture<?> done) {
        try {
            int status = requests.statusCode(done.getNow(null));
            return status == 200 ? null : TokenFailure.of(status, null);
        } catch (CompletionException | CancellationException e) {
            return TokenFailure.of(0, e);
        } catch (Throwable t) {
            return null;
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
