package io.imdsguard.it.apps;

import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;

/**
 * {@link LoopingV1App} for every Java of the matrix (Java 8 has no java.net.http): a service
 * started without the agent that reads IMDS with v1 calls through HttpURLConnection, round after
 * round, and prints {@code round N huc=<status>} after each, until its standard input closes.
 * Argument: the pause between rounds in milliseconds (default 100).
 */
public final class LoopingHucApp {

    public static void main(String[] args) throws Exception {
        String endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        long pauseMillis = args.length > 0 ? Long.parseLong(args[0]) : 100;
        Thread stopper =
                new Thread(
                        () -> {
                            try {
                                while (System.in.read() >= 0) {
                                    // end of input stops the loop
                                }
                            } catch (Exception ignored) {
                                // end of input
                            }
                            System.exit(0);
                        },
                        "stdin-watch");
        stopper.setDaemon(true);
        stopper.start();
        for (long round = 1; ; round++) {
            System.out.println("round " + round + " huc=" + viaHttpUrlConnection(endpoint));
            Thread.sleep(pauseMillis);
        }
    }

    static String viaHttpUrlConnection(String endpoint) {
        try {
            HttpURLConnection c =
                    (HttpURLConnection)
                            new URL(endpoint + "/latest/meta-data/instance-id").openConnection();
            int status = c.getResponseCode();
            try (InputStream body = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                if (body != null) {
                    AppStreams.readAll(body);
                }
            }
            return String.valueOf(status);
        } catch (Exception e) {
            return "FAILED(" + e.getClass().getSimpleName() + ")";
        }
    }
}
