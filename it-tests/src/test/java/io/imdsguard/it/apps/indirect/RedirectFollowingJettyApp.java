package io.imdsguard.it.apps.indirect;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.HttpResponseException;
import org.eclipse.jetty.client.api.ContentResponse;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * {@link IndirectRequestsApp} for Jetty 9.4's {@code HttpClient}, which follows redirects by default
 * (run with {@code AppJvm.mainClassWithLibraries("jetty-9.4", …)}): reads one URL and prints
 * {@code jetty: <status> <body or ->}. Jetty fails a {@code 401} without {@code WWW-Authenticate}
 * with an {@code HttpResponseException} that carries the response; its status is printed. Java 8 API.
 */
public final class RedirectFollowingJettyApp {

    private RedirectFollowingJettyApp() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[1];
        HttpClient client = new HttpClient();
        client.start();
        String answer;
        try {
            ContentResponse response = client.newRequest(url).timeout(10, TimeUnit.SECONDS).send();
            answer = response.getStatus() + " "
                    + (response.getStatus() == 200 ? response.getContentAsString().trim() : "-");
        } catch (ExecutionException e) {
            answer = e.getCause() instanceof HttpResponseException
                    ? ((HttpResponseException) e.getCause()).getResponse().getStatus() + " -"
                    : "FAILED " + e.getCause();
        } catch (Exception e) {
            answer = "FAILED " + e;
        } finally {
            client.stop();
        }
        System.out.println(args[0] + ": " + answer);
        System.out.println("done");
    }
}
