package io.imdsguard.it.apps.multicloud;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * A service on AWS with a multi-cloud library in it: the library probes the metadata address the
 * way Azure's and Google's clients do, while the service reads its instance id with IMDSv2. Prints
 * {@code azure: <status>}, {@code google: <status>}, {@code aws v2: <status> <body>}, then {@code
 * done}. Java 8 API only.
 */
public final class OtherCloudProbesApp {

    public static void main(String[] args) throws Exception {
        String endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        System.out.println("azure: " + azureProbe(endpoint));
        System.out.println("google: " + googleProbe(endpoint));
        System.out.println("aws v2: " + awsV2Read(endpoint));
        System.out.println("done");
    }

    static int azureProbe(String endpoint) throws IOException {
        HttpURLConnection c =
                open(endpoint + "/metadata/instance/compute?api-version=2021-02-01", "GET");
        c.setRequestProperty("Metadata", "true");
        int status = c.getResponseCode();
        drain(c, status);
        return status;
    }

    static int googleProbe(String endpoint) throws IOException {
        HttpURLConnection c = open(endpoint + "/computeMetadata/v1/instance/id", "GET");
        c.setRequestProperty("Metadata-Flavor", "Google");
        int status = c.getResponseCode();
        drain(c, status);
        return status;
    }

    static String awsV2Read(String endpoint) throws IOException {
        HttpURLConnection put = open(endpoint + "/latest/api/token", "PUT");
        put.setRequestProperty("X-aws-ec2-metadata-token-ttl-seconds", "300");
        String token = read(put.getInputStream());
        HttpURLConnection get = open(endpoint + "/latest/meta-data/instance-id", "GET");
        get.setRequestProperty("X-aws-ec2-metadata-token", token);
        int status = get.getResponseCode();
        return status + " " + read(status < 400 ? get.getInputStream() : get.getErrorStream());
    }

    private static HttpURLConnection open(String url, String method) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(5000);
        c.setReadTimeout(5000);
        return c;
    }

    private static void drain(HttpURLConnection c, int status) throws IOException {
        read(status < 400 ? c.getInputStream() : c.getErrorStream());
    }

    private static String read(InputStream in) throws IOException {
        if (in == null) {
            return "";
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1024];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            out.write(buffer, 0, n);
        }
        in.close();
        return new String(out.toByteArray(), StandardCharsets.UTF_8).trim();
    }
}
