package io.imdsguard.it.apps.indirect;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@link IndirectRequestsApp} for Jetty's {@code HttpClient} 9.4, 11 and 12, which follow redirects
 * by default (run with {@code AppJvm.mainClassWithLibraries("jetty-…", …)}): reads one URL and
 * prints {@code <client>: <status> <body or ->}. Jetty fails a {@code 401} without {@code
 * WWW-Authenticate} with an {@code HttpResponseException} that carries the response; its status is
 * printed.
 *
 * <p>Jetty 12 moved the API out of {@code org.eclipse.jetty.client.api}, so no single compiled call
 * links against every version: the calls go through {@link Method#invoke}, looked up on the
 * interfaces {@code HttpClient.newRequest} returns (JDK frames, so the call site is still {@link
 * #read}). Java 8 API.
 */
public final class RedirectFollowingJettyApp {

    private RedirectFollowingJettyApp() {}

    public static void main(String[] args) throws Exception {
        Class<?> httpClient = Class.forName("org.eclipse.jetty.client.HttpClient");
        Object client = httpClient.getConstructor().newInstance();
        httpClient.getMethod("start").invoke(client);
        String answer;
        try {
            answer = read(httpClient, client, args[1]);
        } finally {
            httpClient.getMethod("stop").invoke(client);
        }
        System.out.println(args[0] + ": " + answer);
        System.out.println("done");
    }

    /** {@code client.newRequest(url).timeout(10 s).send()}: the application's call site. */
    static String read(Class<?> httpClient, Object client, String url) throws Exception {
        Method newRequest = httpClient.getMethod("newRequest", String.class);
        Class<?> requestType = newRequest.getReturnType();
        Object request = newRequest.invoke(client, url);
        requestType
                .getMethod("timeout", long.class, TimeUnit.class)
                .invoke(request, 10L, TimeUnit.SECONDS);
        Method send = requestType.getMethod("send");
        try {
            Object response = send.invoke(request);
            int status = (Integer) send.getReturnType().getMethod("getStatus").invoke(response);
            String body =
                    (String) send.getReturnType().getMethod("getContentAsString").invoke(response);
            return status + " " + (status == 200 ? body.trim() : "-");
        } catch (InvocationTargetException e) {
            Throwable failure = e.getCause();
            if (!(failure instanceof ExecutionException)) {
                return "FAILED " + failure;
            }
            Throwable cause = failure.getCause();
            if (cause != null && cause.getClass().getSimpleName().equals("HttpResponseException")) {
                Method getResponse = cause.getClass().getMethod("getResponse");
                Object response = getResponse.invoke(cause);
                return getResponse.getReturnType().getMethod("getStatus").invoke(response) + " -";
            }
            return "FAILED " + cause;
        }
    }
}
