package io.imdsguard.it.clients;

import io.imdsguard.it.apps.libraries.spring.RestTemplateApp;
import io.imdsguard.it.clients.harness.Call;
import io.imdsguard.it.clients.harness.ClientContract;
import io.imdsguard.it.clients.harness.Variant;
import java.util.List;

/**
 * Spring's {@code RestTemplate}, no client of its own but a framework over several. Its request
 * factory decides which client sends the request, and exactly that client's instrumentation reports
 * it, once: Spring 6 with {@code HttpComponentsClientHttpRequestFactory} uses HttpClient 5, Spring
 * 5 with the same factory uses HttpClient 4, and the default {@code SimpleClientHttpRequestFactory}
 * uses HttpURLConnection. The call site is the application's method, never a Spring frame. The
 * underlying clients run the full matrix in their own tests; here the other factories run each mode
 * once.
 */
class RestTemplateIT extends ClientContract {

    @Override
    protected List<Variant> variants() {
        List<Call> calls = Call.eachMethod(RestTemplateApp.class, 2);
        return List.of(
                Variant.of(
                                "Spring 6, HttpComponentsClientHttpRequestFactory",
                                "apache-httpclient-5",
                                RestTemplateApp.class)
                        .arguments("apache", "2")
                        .calls(calls)
                        .runsFrom(17, "Spring 6"),
                Variant.of("Spring 6, default factory", "HttpURLConnection", RestTemplateApp.class)
                        .arguments("default", "2")
                        .calls(calls)
                        .runsFrom(17, "Spring 6")
                        .eachModeOnce(),
                Variant.of(
                                "Spring 6, OkHttp3ClientHttpRequestFactory",
                                "okhttp",
                                RestTemplateApp.class)
                        .arguments("okhttp", "2")
                        .calls(calls)
                        .runsFrom(17, "Spring 6")
                        .eachModeOnce(),
                Variant.of(
                                "Spring 5.3, HttpComponentsClientHttpRequestFactory",
                                "apache-httpclient-4",
                                RestTemplateApp.class)
                        .libraries("spring5-httpclient4")
                        .arguments("apache", "2")
                        .calls(calls)
                        .eachModeOnce());
    }
}
