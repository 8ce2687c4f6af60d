package io.imdsguard.it.apps.clients.reactornetty;

import io.imdsguard.it.apps.clients.ClientScript;
import io.netty.handler.codec.http.HttpMethod;
import java.time.Duration;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufMono;
import reactor.netty.http.HttpResources;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.HttpClientResponse;

/**
 * A service reading IMDS through Reactor Netty's HttpClient. Each kind of call has its own method
 * that builds the request as a {@link Mono}; it is subscribed, and so sent, elsewhere. Commands:
 * {@code v1}, {@code v1-xff} (relayed with X-Forwarded-For), {@code v1-send} (a v1 read whose
 * headers are set in a send callback, on the event loop), {@code v2} (token PUT, then a read with
 * the token set in a send callback, the way Spring's connector sets headers).
 */
public final class ReactorNettyApp {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient client;
    private final String endpoint;

    private ReactorNettyApp(HttpClient client, String endpoint) {
        this.client = client;
        this.endpoint = endpoint;
    }

    public static void main(String[] args) throws Exception {
        String endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        ReactorNettyApp app = new ReactorNettyApp(HttpClient.create(), endpoint);
        try {
            ClientScript.run(
                    args,
                    ClientScript.calls(
                            "v1", () -> app.v1Read().block(TIMEOUT),
                            "v1-xff", () -> app.v1Relayed().block(TIMEOUT),
                            "v1-send", () -> app.v1WithSendCallback().block(TIMEOUT),
                            "v2", () -> app.v2Read().block(TIMEOUT)));
        } finally {
            HttpResources.disposeLoopsAndConnections();
        }
    }

    // Each method makes its request itself (responseSingle), so each is a call site of its own.
    Mono<String> v1Read() {
        return client.get()
                .uri(endpoint + "/latest/meta-data/instance-id")
                .responseSingle(ReactorNettyApp::show);
    }

    Mono<String> v1Relayed() {
        return client.headers(h -> h.set("X-Forwarded-For", "203.0.113.7"))
                .get()
                .uri(endpoint + "/latest/meta-data/instance-id")
                .responseSingle(ReactorNettyApp::show);
    }

    Mono<String> v1WithSendCallback() {
        return client.request(HttpMethod.GET)
                .uri(endpoint + "/latest/meta-data/placement/region")
                .send(
                        (request, outbound) -> {
                            request.header("Accept", "text/plain");
                            return outbound;
                        })
                .responseSingle(ReactorNettyApp::show);
    }

    Mono<String> v2Read() {
        return client.headers(h -> h.set("X-aws-ec2-metadata-token-ttl-seconds", "60"))
                .put()
                .uri(endpoint + "/latest/api/token")
                .responseSingle((response, body) -> body.asString())
                .flatMap(
                        token ->
                                client.request(HttpMethod.GET)
                                        .uri(endpoint + "/latest/meta-data/ami-id")
                                        .send(
                                                (request, outbound) -> {
                                                    request.header(
                                                            "X-aws-ec2-metadata-token", token);
                                                    return outbound;
                                                })
                                        .responseSingle(ReactorNettyApp::show));
    }

    private static Mono<String> show(HttpClientResponse response, ByteBufMono body) {
        return body.asString()
                .defaultIfEmpty("")
                .map(text -> ClientScript.show(response.status().code(), text));
    }
}
