package io.imdsguard.it.apps.libraries.spring;

import io.imdsguard.it.apps.clients.Calls;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.HttpComponentsClientHttpRequestFactory;
import org.springframework.web.client.RestTemplate;

/**
 * A Spring service that reads IMDS through {@code RestTemplate}: {@code getForObject} and {@code
 * exchange} for v1, a token PUT and a GET with the token for v2.
 *
 * <p>Arguments: {@code FACTORY REPS}. {@code FACTORY} is {@code apache} for {@code new
 * HttpComponentsClientHttpRequestFactory()} (Spring 6: HttpClient 5; Spring 5: HttpClient 4; the
 * no-argument constructor is the same in both, so this class runs on either) or {@code default} for
 * {@code new RestTemplate()} ({@code SimpleClientHttpRequestFactory}, i.e. HttpURLConnection).
 * Output as in {@link io.imdsguard.it.apps.clients.apachehttpclient4.ApacheHttpClient4App}; a
 * failed call prints Spring's exception ({@code HttpClientErrorException$Unauthorized: 401 ...}).
 */
public final class RestTemplateApp {

    private static String endpoint;
    private static RestTemplate rest;
    private static String token;

    public static void main(String[] args) {
        endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        switch (args[0]) {
            case "apache":
                rest = new RestTemplate(new HttpComponentsClientHttpRequestFactory());
                break;
            case "okhttp":
                rest = new RestTemplate(okHttpFactory());
                break;
            default:
                rest = new RestTemplate();
        }
        int reps = Integer.parseInt(args[1]);
        for (int i = 0; i < reps; i++) {
            Calls.print("v1GetForObject", RestTemplateApp::v1GetForObject);
            Calls.print("v1Exchange", RestTemplateApp::v1Exchange);
            Calls.print("v2Exchange", RestTemplateApp::v2Exchange);
        }
        System.out.println("done");
    }

    /** Spring 6 still ships the OkHttp factory, deprecated; legacy services use it. */
    @SuppressWarnings("removal")
    private static org.springframework.http.client.ClientHttpRequestFactory okHttpFactory() {
        return new org.springframework.http.client.OkHttp3ClientHttpRequestFactory();
    }

    static String v1GetForObject() {
        return "200 " + rest.getForObject(endpoint + "/latest/meta-data/instance-id", String.class);
    }

    static String v1Exchange() {
        return "200 "
                + rest.exchange(
                                endpoint + "/latest/meta-data/placement/region",
                                HttpMethod.GET,
                                null,
                                String.class)
                        .getBody();
    }

    static String v2Exchange() {
        HttpHeaders headers = new HttpHeaders();
        headers.set("X-aws-ec2-metadata-token", token());
        return "200 "
                + rest.exchange(
                                endpoint + "/latest/meta-data/instance-type",
                                HttpMethod.GET,
                                new HttpEntity<String>(headers),
                                String.class)
                        .getBody();
    }

    /** One token for the whole run, as a well-behaved v2 client keeps it. */
    private static String token() {
        if (token == null) {
            HttpHeaders headers = new HttpHeaders();
            headers.set("X-aws-ec2-metadata-token-ttl-seconds", "600");
            token =
                    rest.exchange(
                                    endpoint + "/latest/api/token",
                                    HttpMethod.PUT,
                                    new HttpEntity<String>(headers),
                                    String.class)
                            .getBody();
        }
        return token;
    }
}
