package io.imdsguard.it.apps.clients.okhttp;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.ResponseBody;
import retrofit2.Retrofit;
import retrofit2.http.GET;
import retrofit2.http.Header;

/**
 * Reads IMDS through OkHttp and Retrofit the way legacy code does: v1 reads with {@code execute()}
 * and {@code enqueue()}, directly and through a Retrofit interface, and a native v2 session (token
 * PUT, then reads with the token) that must never be reported as v1.
 *
 * <p>Compiled against OkHttp 3.14 and run against 3.14 and 4.12, so it uses only API both have.
 * Arguments: the number of rounds, then optionally {@code --pause}: after the rounds the program
 * prints {@code paused}, waits for a line on standard input (the test restarts IMDS meanwhile) and
 * makes two more v1 reads, then one that relays a request (it carries {@code X-Forwarded-For}).
 */
public final class OkHttpApp {

    private static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";

    /** Retrofit's view of IMDS. */
    public interface ImdsApi {
        @GET("latest/meta-data/instance-type")
        retrofit2.Call<ResponseBody> instanceType();

        @GET("latest/meta-data/ami-id")
        retrofit2.Call<ResponseBody> amiId(@Header(TOKEN_HEADER) String token);
    }

    public static void main(String[] args) throws Exception {
        String endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        int rounds = Integer.parseInt(args[0]);
        boolean pause = args.length > 1 && args[1].equals("--pause");
        OkHttpClient client = new OkHttpClient();
        ImdsApi api =
                new Retrofit.Builder()
                        .baseUrl(endpoint + "/")
                        .client(client)
                        .build()
                        .create(ImdsApi.class);
        try {
            for (int i = 0; i < rounds; i++) {
                System.out.println("okhttp sync v1: " + syncV1Read(client, endpoint));
                System.out.println("okhttp async v1: " + asyncV1Read(client, endpoint));
                System.out.println("retrofit sync v1: " + retrofitV1Read(api));
                System.out.println("retrofit async v1: " + retrofitAsyncV1Read(api));
            }
            String token = fetchToken(client, endpoint);
            for (int i = 0; i < rounds; i++) {
                System.out.println("okhttp v2: " + v2Read(client, endpoint, token));
                System.out.println("retrofit v2: " + statusAndBody(api.amiId(token).execute()));
            }
            if (pause) {
                System.out.println("paused");
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
                        .readLine();
                System.out.println("after restart: " + syncV1Read(client, endpoint));
                System.out.println("after restart: " + syncV1Read(client, endpoint));
                System.out.println("forwarded v1: " + forwardedV1Read(client, endpoint));
            }
            System.out.println("done");
        } finally {
            client.dispatcher().executorService().shutdown();
            client.connectionPool().evictAll();
        }
    }

    static String syncV1Read(OkHttpClient client, String endpoint) throws IOException {
        Request request =
                new Request.Builder().url(endpoint + "/latest/meta-data/instance-id").build();
        try (okhttp3.Response response = client.newCall(request).execute()) {
            return statusAndBody(response);
        }
    }

    static String forwardedV1Read(OkHttpClient client, String endpoint) throws IOException {
        Request request =
                new Request.Builder()
                        .url(endpoint + "/latest/meta-data/hostname")
                        .header("X-Forwarded-For", "203.0.113.7")
                        .build();
        try (okhttp3.Response response = client.newCall(request).execute()) {
            return statusAndBody(response);
        }
    }

    /** The callback runs on an OkHttp dispatcher thread; the call is made here, on the caller's. */
    static String asyncV1Read(OkHttpClient client, String endpoint) throws Exception {
        Request request =
                new Request.Builder().url(endpoint + "/latest/meta-data/placement/region").build();
        CompletableFuture<String> answer = new CompletableFuture<>();
        client.newCall(request)
                .enqueue(
                        new Callback() {
                            @Override
                            public void onFailure(Call call, IOException e) {
                                answer.complete("FAILED " + e);
                            }

                            @Override
                            public void onResponse(Call call, okhttp3.Response response) {
                                try (okhttp3.Response r = response) {
                                    answer.complete(
                                            statusAndBody(r)
                                                    + " on "
                                                    + Thread.currentThread()
                                                            .getName()
                                                            .split(" ")[0]);
                                } catch (IOException e) {
                                    answer.complete("FAILED " + e);
                                }
                            }
                        });
        return answer.get(30, TimeUnit.SECONDS);
    }

    static String retrofitV1Read(ImdsApi api) throws IOException {
        return statusAndBody(api.instanceType().execute());
    }

    static String retrofitAsyncV1Read(ImdsApi api) throws Exception {
        CompletableFuture<String> answer = new CompletableFuture<>();
        api.instanceType()
                .enqueue(
                        new retrofit2.Callback<ResponseBody>() {
                            @Override
                            public void onResponse(
                                    retrofit2.Call<ResponseBody> call,
                                    retrofit2.Response<ResponseBody> response) {
                                try {
                                    answer.complete(statusAndBody(response));
                                } catch (IOException e) {
                                    answer.complete("FAILED " + e);
                                }
                            }

                            @Override
                            public void onFailure(retrofit2.Call<ResponseBody> call, Throwable t) {
                                answer.complete("FAILED " + t);
                            }
                        });
        return answer.get(30, TimeUnit.SECONDS);
    }

    static String fetchToken(OkHttpClient client, String endpoint) throws IOException {
        Request put =
                new Request.Builder()
                        .url(endpoint + "/latest/api/token")
                        .header("X-aws-ec2-metadata-token-ttl-seconds", "60")
                        .put(RequestBody.create((MediaType) null, new byte[0]))
                        .build();
        try (okhttp3.Response response = client.newCall(put).execute()) {
            if (response.code() != 200) {
                throw new IOException("token request answered " + response.code());
            }
            return response.body().string();
        }
    }

    static String v2Read(OkHttpClient client, String endpoint, String token) throws IOException {
        Request request =
                new Request.Builder()
                        .url(endpoint + "/latest/meta-data/ami-id")
                        .header(TOKEN_HEADER, token)
                        .build();
        try (okhttp3.Response response = client.newCall(request).execute()) {
            return statusAndBody(response);
        }
    }

    static String statusAndBody(okhttp3.Response response) throws IOException {
        ResponseBody body = response.body();
        return response.code()
                + " "
                + (response.code() == 200 && body != null ? body.string().trim() : "-");
    }

    static String statusAndBody(retrofit2.Response<ResponseBody> response) throws IOException {
        ResponseBody body = response.body();
        if (body == null && response.errorBody() != null) {
            response.errorBody().close();
        }
        return response.code()
                + " "
                + (response.code() == 200 && body != null ? body.string().trim() : "-");
    }
}
