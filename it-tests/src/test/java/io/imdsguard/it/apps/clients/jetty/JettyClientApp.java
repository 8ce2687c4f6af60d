package io.imdsguard.it.apps.clients.jetty;

import io.imdsguard.it.apps.AppStreams;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Legacy-style code that reads IMDS through Eclipse Jetty's {@code HttpClient}: v1 reads with the
 * blocking {@code request.send()} and the asynchronous {@code request.send(listener)}, a relayed v1
 * read (X-Forwarded-For), a native v2 session (token PUT, then GET with the token), and, when
 * {@code PLAIN_URL} is set, a request to an ordinary server, which is no IMDS business.
 *
 * <p>One source for Jetty 9.4, 11 and 12 (run with {@code
 * AppJvm.mainClassWithLibraries("jetty-…")}): the calls are the same in every version, but Jetty 12
 * moved the API out of {@code org.eclipse.jetty.client.api}, so no single compiled call links
 * against both. The app therefore makes them through {@link Method#invoke}, whose frames are JDK
 * frames: for the agent the call site is still the method of this class that calls {@code send}, as
 * in typed code.
 *
 * <p>Each answer is printed as {@code <status> <body>}; a {@code 401} as {@code 401
 * HttpResponseException}, since that is how Jetty fails a 401 without {@code WWW-Authenticate}
 * (IMDS sends none).
 *
 * <p>Arguments: {@code [reps] [--pause]}. With {@code --pause} it prints {@code paused} after the
 * regular reads, waits for a line on standard input (the test restarts IMDS meanwhile), then reads
 * twice asynchronously and once blocking, printing {@code after restart …}.
 */
public final class JettyClientApp {

    private static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";

    private JettyClientApp() {}

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        boolean pause = args.length > 1 && args[1].equals("--pause");
        String imds = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        if (imds == null || !imds.startsWith("http://127.0.0.1:")) {
            throw new IllegalStateException("run against the mock IMDS only, got " + imds);
        }
        Jetty jetty = new Jetty();
        System.out.println("jetty " + jetty.version);
        try {
            String instanceId = imds + "/latest/meta-data/instance-id";
            for (int i = 0; i < reps; i++) {
                System.out.println(
                        "blocking v1: " + outcome(jetty, () -> blockingV1Read(jetty, instanceId)));
            }
            for (int i = 0; i < reps; i++) {
                System.out.println(
                        "async v1: " + outcome(jetty, () -> asyncV1Read(jetty, instanceId)));
            }
            System.out.println(
                    "forwarded v1: "
                            + outcome(
                                    jetty,
                                    () ->
                                            forwardedV1Read(
                                                    jetty, imds + "/latest/meta-data/local-ipv4")));
            System.out.println("v2: " + outcome(jetty, () -> v2Read(jetty, imds)));
            String plain = System.getenv("PLAIN_URL");
            if (plain != null) {
                System.out.println("plain: " + outcome(jetty, () -> blockingV1Read(jetty, plain)));
            }
            if (pause) {
                System.out.println("paused");
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                        .readLine();
                System.out.println(
                        "after restart: " + outcome(jetty, () -> asyncV1Read(jetty, instanceId)));
                System.out.println(
                        "after restart: " + outcome(jetty, () -> asyncV1Read(jetty, instanceId)));
                System.out.println(
                        "after restart: "
                                + outcome(jetty, () -> blockingV1Read(jetty, instanceId)));
            }
        } finally {
            jetty.client.getClass().getMethod("stop").invoke(jetty.client);
        }
        System.out.println("done");
    }

    /**
     * The answer as {@code <status> <body>}. Jetty fails a {@code 401} that has no {@code
     * WWW-Authenticate} header (as IMDS's has not) with an {@code HttpResponseException}, which
     * carries the response: that is printed as {@code <status> HttpResponseException}.
     */
    static String outcome(Jetty jetty, Callable<String> call) throws Exception {
        try {
            return call.call();
        } catch (Exception e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t.getClass().getSimpleName().equals("HttpResponseException")) {
                    Object response = t.getClass().getMethod("getResponse").invoke(t);
                    return jetty.status.invoke(response) + " HttpResponseException";
                }
            }
            Throwable cause =
                    e instanceof InvocationTargetException && e.getCause() != null
                            ? e.getCause()
                            : e;
            return "failed " + cause;
        }
    }

    /** {@code request.send()}: the v1 call site of blocking code. */
    static String blockingV1Read(Jetty jetty, String url) throws Exception {
        Object request = jetty.newRequest(url);
        Object response = jetty.send.invoke(request);
        return jetty.describe(response);
    }

    /**
     * {@code request.send(listener)}: the answer arrives on a Jetty thread; the call is made here.
     */
    static String asyncV1Read(Jetty jetty, String url) throws Exception {
        Object request = jetty.newRequest(url);
        Object listener = jetty.inputStreamListener.getConstructor().newInstance();
        jetty.sendWithListener.invoke(request, listener);
        return jetty.describeAsync(listener);
    }

    /** A request relayed for someone else: never to be rewritten. */
    static String forwardedV1Read(Jetty jetty, String url) throws Exception {
        Object request = jetty.newRequest(url);
        jetty.header(request, "X-Forwarded-For", "203.0.113.7");
        Object response = jetty.send.invoke(request);
        return jetty.describe(response);
    }

    /** Native IMDSv2: the token PUT, then a GET carrying the token. Never reported as v1. */
    static String v2Read(Jetty jetty, String imds) throws Exception {
        Object put = jetty.newRequest(imds + "/latest/api/token");
        jetty.requestMethod.invoke(put, "PUT");
        jetty.header(put, "X-aws-ec2-metadata-token-ttl-seconds", "60");
        Object tokenResponse = jetty.send.invoke(put);
        if ((int) jetty.status.invoke(tokenResponse) != 200) {
            return "token " + jetty.status.invoke(tokenResponse);
        }
        String token = (String) jetty.content.invoke(tokenResponse);
        Object get = jetty.newRequest(imds + "/latest/meta-data/ami-id");
        jetty.header(get, TOKEN_HEADER, token);
        return jetty.describe(jetty.send.invoke(get));
    }

    /**
     * The few Jetty calls the app makes, looked up once for whichever version is on the classpath.
     */
    static final class Jetty {
        final Object client;
        final String version;
        final Method send;
        final Method sendWithListener;
        final Method requestMethod;
        final Method status;
        final Method content;
        final Class<?> inputStreamListener;
        private final boolean jetty12;
        private final Method newRequest;
        private final Method timeout;
        private final Method header;
        private final Method headers;
        private final Method listenerGet;
        private final Method listenerStream;

        Jetty() throws Exception {
            jetty12 = !present("org.eclipse.jetty.client.api.Request");
            String api = jetty12 ? "org.eclipse.jetty.client." : "org.eclipse.jetty.client.api.";
            Class<?> httpClient = Class.forName("org.eclipse.jetty.client.HttpClient");
            Class<?> request = Class.forName(api + "Request");
            Class<?> response = Class.forName(api + "Response");
            Class<?> contentResponse = Class.forName(api + "ContentResponse");
            inputStreamListener =
                    Class.forName(
                            (jetty12
                                            ? "org.eclipse.jetty.client."
                                            : "org.eclipse.jetty.client.util.")
                                    + "InputStreamResponseListener");
            version =
                    (String)
                            Class.forName("org.eclipse.jetty.util.Jetty")
                                    .getField("VERSION")
                                    .get(null);
            client = httpClient.getConstructor().newInstance();
            httpClient.getMethod("start").invoke(client);
            newRequest = httpClient.getMethod("newRequest", String.class);
            timeout = request.getMethod("timeout", long.class, TimeUnit.class);
            send = request.getMethod("send");
            sendWithListener =
                    request.getMethod("send", Class.forName(api + "Response$CompleteListener"));
            requestMethod = request.getMethod("method", String.class);
            header =
                    jetty12
                            ? Class.forName("org.eclipse.jetty.http.HttpFields$Mutable")
                                    .getMethod("put", String.class, String.class)
                            : request.getMethod("header", String.class, String.class);
            headers = jetty12 ? request.getMethod("headers", Consumer.class) : null;
            status = response.getMethod("getStatus");
            content = contentResponse.getMethod("getContentAsString");
            listenerGet = inputStreamListener.getMethod("get", long.class, TimeUnit.class);
            listenerStream = inputStreamListener.getMethod("getInputStream");
        }

        Object newRequest(String url) throws Exception {
            Object request = newRequest.invoke(client, url);
            timeout.invoke(request, 10L, TimeUnit.SECONDS);
            return request;
        }

        /**
         * 9.4 and 11: {@code request.header(name, value)}; 12: {@code request.headers(h ->
         * h.put(name, value))}.
         */
        void header(Object request, String name, String value) throws Exception {
            if (!jetty12) {
                header.invoke(request, name, value);
                return;
            }
            Consumer<Object> put =
                    fields -> {
                        try {
                            header.invoke(fields, name, value);
                        } catch (ReflectiveOperationException e) {
                            throw new IllegalStateException(e);
                        }
                    };
            headers.invoke(request, put);
        }

        String describe(Object response) throws Exception {
            return status.invoke(response) + " " + oneLine((String) content.invoke(response));
        }

        String describeAsync(Object listener) throws Exception {
            Object response = listenerGet.invoke(listener, 10L, TimeUnit.SECONDS);
            try (InputStream body = (InputStream) listenerStream.invoke(listener)) {
                return status.invoke(response)
                        + " "
                        + oneLine(new String(AppStreams.readAll(body), StandardCharsets.UTF_8));
            }
        }

        private static String oneLine(String body) {
            String line = body.trim().replace('\n', ' ');
            return line.isEmpty() ? "-" : line;
        }

        private static boolean present(String className) {
            try {
                Class.forName(className);
                return true;
            } catch (ClassNotFoundException e) {
                return false;
            }
        }
    }
}
