package io.imdsguard.agent.rewrite;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.SocketTimeoutException;
import java.net.URL;
import java.nio.charset.Charset;

/**
 * {@code PUT /latest/api/token} through the JDK's own HttpURLConnection, with short timeouts like
 * the AWS SDKs', never through a proxy (IMDS is link-local), and never with X-Forwarded-For.
 */
public final class HttpTokenFetcher implements TokenFetcher {

    public static final String TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";
    private static final int MAX_TOKEN_LENGTH = 4096;

    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;

    public HttpTokenFetcher(long connectTimeoutMillis, long readTimeoutMillis) {
        this.connectTimeoutMillis = (int) connectTimeoutMillis;
        this.readTimeoutMillis = (int) readTimeoutMillis;
    }

    @Override
    public FetchedToken fetch(String origin, int ttlSeconds) throws TokenFetchException {
        AgentOwnRequests.enter();
        HttpURLConnection connection = null;
        try {
            connection =
                    (HttpURLConnection)
                            new URL(origin + "/latest/api/token").openConnection(Proxy.NO_PROXY);
            connection.setRequestMethod("PUT");
            connection.setRequestProperty(TTL_HEADER, String.valueOf(ttlSeconds));
            connection.setConnectTimeout(connectTimeoutMillis);
            connection.setReadTimeout(readTimeoutMillis);
            connection.setUseCaches(false);
            connection.setInstanceFollowRedirects(false);
            int status = connection.getResponseCode();
            if (status != 200) {
                throw new TokenFetchException(reasonFor(status), "IMDS answered HTTP " + status);
            }
            String body = read(connection.getInputStream());
            long announced = connection.getContentLengthLong();
            if (announced >= 0 && body.length() < announced) {
                // HttpURLConnection ends a body cut short quietly; what arrived is part of a token,
                // not a token.
                throw new TokenFetchException(
                        "error",
                        "the answer ended after "
                                + body.length()
                                + " of its "
                                + announced
                                + " bytes");
            }
            String value = body.trim();
            if (value.isEmpty()) {
                throw new TokenFetchException(
                        "bad_status", "IMDS answered 200 with an empty token");
            }
            int bad = firstCharacterNoTokenHas(value);
            if (bad >= 0) {
                // Never repeat the body: it may be part of a real token.
                throw new TokenFetchException(
                        "bad_status",
                        "IMDS answered 200 with "
                                + value.length()
                                + " characters that are not a token (character "
                                + (bad + 1)
                                + " is not visible ASCII)");
            }
            return new FetchedToken(
                    value, grantedTtl(connection.getHeaderField(TTL_HEADER), ttlSeconds));
        } catch (SocketTimeoutException e) {
            throw new TokenFetchException(
                    "timeout",
                    "no answer within "
                            + (connectTimeoutMillis + readTimeoutMillis)
                            + " ms ("
                            + e.getMessage()
                            + ")");
        } catch (ConnectException e) {
            throw new TokenFetchException("refused", "connection refused (" + e.getMessage() + ")");
        } catch (IOException e) {
            throw new TokenFetchException("error", e.toString());
        } finally {
            if (connection != null) {
                connection.disconnect();
            }
            AgentOwnRequests.exit();
        }
    }

    /**
     * Tokens are base64-like text. The agent writes the value into a header, in the socket
     * catch-all byte for byte, so a space or line break from a proxy's error page must not pass as
     * one.
     */
    private static int firstCharacterNoTokenHas(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x21 || c > 0x7e) {
                return i;
            }
        }
        return -1;
    }

    static String reasonFor(int status) {
        switch (status) {
            case 403:
                return "forbidden";
            case 404:
                return "not_found";
            case 405:
                return "method_not_allowed";
            case 429:
                return "throttled";
            default:
                return status >= 500 ? "server_error" : "bad_status";
        }
    }

    private static int grantedTtl(String header, int requested) {
        try {
            int granted = Integer.parseInt(header == null ? "" : header.trim());
            return granted > 0 && granted <= requested ? granted : requested;
        } catch (NumberFormatException e) {
            return requested;
        }
    }

    private static String read(InputStream in) throws IOException {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[256];
            int read;
            while ((read = in.read(buffer)) > 0) {
                out.write(buffer, 0, read);
                if (out.size() > MAX_TOKEN_LENGTH) {
                    throw new IOException(
                            "token answer longer than " + MAX_TOKEN_LENGTH + " bytes");
                }
            }
            return out.toString(Charset.forName("US-ASCII").name());
        } finally {
            in.close();
        }
    }
}
