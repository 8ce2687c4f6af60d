package io.imdsguard.it.clients;

import io.imdsguard.it.apps.clients.apache.ClientMatrix;
import io.imdsguard.it.apps.clients.spring.RestTemplateApp;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.mockimds.HttpTokens;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

/**
 * Spring's {@code RestTemplate}. Its request factory decides which client sends the request, and
 * exactly that client's instrumentation reports it, once: Spring 6 with
 * {@code HttpComponentsClientHttpRequestFactory} uses HttpClient 5, Spring 5 with the same factory
 * uses HttpClient 4, and the default {@code SimpleClientHttpRequestFactory} uses HttpURLConnection.
 * The call site is the application's method, never a Spring frame.
 */
class RestTemplateIT {

    private static final String SPRING5 = "spring5-httpclient4";

    @ParameterizedTest(name = "Spring 6, HttpComponentsClientHttpRequestFactory: mode={0}, HttpTokens={1}")
    @CsvSource({"report, OPTIONAL", "report, REQUIRED", "rewrite, OPTIONAL", "rewrite, REQUIRED",
        "enforce, OPTIONAL", "enforce, REQUIRED"})
    void spring6WithTheApacheFactoryIsSeenAsHttpClient5(String mode, HttpTokens httpTokens, @TempDir Path dir)
            throws Exception {
        new ClientMatrix(RestTemplateApp.class, method -> "apache-httpclient-5")
                .runAndCheck(reps -> AppJvm.mainClass(RestTemplateApp.class, "apache", reps), mode, httpTokens, dir);
    }

    // The underlying clients run the full matrix in their own tests; here, each mode once.
    @ParameterizedTest(name = "Spring 6, default factory: mode={0}, HttpTokens={1}")
    @CsvSource({"report, OPTIONAL", "rewrite, REQUIRED", "enforce, OPTIONAL"})
    void spring6WithTheDefaultFactoryIsSeenOnceAsHttpUrlConnection(String mode, HttpTokens httpTokens,
                                                                   @TempDir Path dir) throws Exception {
        new ClientMatrix(RestTemplateApp.class, method -> "HttpURLConnection")
                .runAndCheck(reps -> AppJvm.mainClass(RestTemplateApp.class, "default", reps), mode, httpTokens, dir);
    }

    @ParameterizedTest(name = "Spring 6, OkHttp3ClientHttpRequestFactory: mode={0}, HttpTokens={1}")
    @CsvSource({"report, OPTIONAL", "rewrite, REQUIRED", "enforce, OPTIONAL"})
    void spring6WithTheOkHttpFactoryIsSeenAsOkHttp(String mode, HttpTokens httpTokens, @TempDir Path dir)
            throws Exception {
        new ClientMatrix(RestTemplateApp.class, method -> "okhttp")
                .runAndCheck(reps -> AppJvm.mainClass(RestTemplateApp.class, "okhttp", reps), mode, httpTokens, dir);
    }

    @ParameterizedTest(name = "Spring 5.3, HttpComponentsClientHttpRequestFactory: mode={0}, HttpTokens={1}")
    @CsvSource({"report, OPTIONAL", "rewrite, REQUIRED", "enforce, OPTIONAL"})
    void spring5WithTheApacheFactoryIsSeenAsHttpClient4(String mode, HttpTokens httpTokens, @TempDir Path dir)
            throws Exception {
        new ClientMatrix(RestTemplateApp.class, method -> "apache-httpclient-4")
                .runAndCheck(reps -> AppJvm.mainClassWithLibraries(SPRING5, RestTemplateApp.class, "apache", reps),
                        mode, httpTokens, dir);
    }
}
