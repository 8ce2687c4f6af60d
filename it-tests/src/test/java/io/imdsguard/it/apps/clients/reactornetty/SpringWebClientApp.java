package io.imdsguard.it.apps.clients.reactornetty;

import io.imdsguard.it.apps.clients.ClientScript;
import java.time.Duration;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.HttpResources;

/**
 * A service reading IMDS through Spring's WebClient on its default connector, Reactor Netty.
 * Commands: {@code v1}, {@code v2} (token PUT, then a read with the token), as in {@link
 * ReactorNettyApp}.
 */
public final class SpringWebClientApp {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final WebClient client;
    private final String endpoint;

    private SpringWebClientApp(WebClient client, String endpoint) {
        this.client = client;
        this.endpoint = endpoint;
    }

    public static void main(String[] args) throws Exception {
        String endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        SpringWebClientApp app = new SpringWebClientApp(WebClient.create(), endpoint);
        try {
            ClientScript.run(
                    args,
                    ClientScript.calls(
                            "v1", () -> app.v1Read().block(TIMEOUT),
                            "v2", () -> app.v2Read().block(TIMEOUT)));
        } finally {
            HttpResources.disposeLoopsAndConnections();
        }
    }

    Mono<String> v1Read() {
        return show(client.get().uri(endpoint + "/latest/meta-data/instance-id"));
    }

    Mono<String> v2Read() {
        return client.put()
                .uri(endpoint + "/latest/api/token")
                .header("X-aws-ec2-metadata-token-ttl-seconds", "60")
                .retrieve()
                .bodyToMono(String.class)
                .flatMap(
                        token ->
                                show(
                                        client.get()
                                                .uri(endpoint + "/latest/meta-data/ami-id")
                                                .header("X-aws-ec2-metadata-token", token)));
    }

    private static Mono<String> show(WebClient.RequestHeadersSpec<?> request) {
        return request.exchangeToMono(
                response ->
                        response.bodyToMono(String.class)
                                .defaultIfEmpty("")
                                .map(
                                        body ->
                                                ClientScript.show(
                                                        response.statusCode().value(), body)));
    }
}
