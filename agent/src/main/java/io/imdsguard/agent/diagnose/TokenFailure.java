package io.imdsguard.agent.diagnose;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Names how an application's token PUT failed, in the few words a diagnosis shows: the failure
 * tells the hop-limit problem (no answer at all) apart from a token endpoint that answers with a
 * refusal (403, 405: IMDS disabled, or a proxy in the way).
 */
public final class TokenFailure {

    public static final String TIMEOUT = "timeout";
    public static final String REFUSED = "refused";
    public static final String NO_RESPONSE = "no response";
    private static final String STATUS = "status ";

    private TokenFailure() {}

    /**
     * @param status the HTTP status the client received, or a value of 0 or less when it received
     *     none
     * @param thrown what the client threw, or null
     */
    public static String of(int status, Throwable thrown) {
        if (status > 0) {
            return STATUS + status;
        }
        Throwable cause = unwrap(thrown);
        if (cause == null) {
            return "error";
        }
        if (cause instanceof SocketTimeoutException
                || cause.getClass().getName().endsWith("TimeoutException")) {
            // HttpURLConnection throws SocketTimeoutException; java.net.http HttpTimeoutException
            // and
            // HttpConnectTimeoutException, which Java 8 bytecode cannot name.
            return TIMEOUT;
        }
        if (cause instanceof ConnectException || cause instanceof NoRouteToHostException) {
            return REFUSED;
        }
        String message = String.valueOf(cause.getMessage());
        if (message.contains("Unexpected end of file")
                || message.contains("Connection reset")
                || message.contains("closed")) {
            return NO_RESPONSE;
        }
        return "error " + cause.getClass().getSimpleName();
    }

    /** A status, not a lost answer: the PUT's answer did arrive. */
    public static boolean isStatus(String failure) {
        return failure != null && failure.startsWith(STATUS);
    }

    /** The PUT's answer never arrived: what a hop limit of 1 looks like from a container. */
    public static boolean isNoAnswer(String failure) {
        return TIMEOUT.equals(failure) || NO_RESPONSE.equals(failure);
    }

    private static Throwable unwrap(Throwable thrown) {
        Throwable cause = thrown;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }
}
