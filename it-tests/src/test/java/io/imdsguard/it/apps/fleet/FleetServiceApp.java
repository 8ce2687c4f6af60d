package io.imdsguard.it.apps.fleet;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One service of a small fleet, for the dashboard test: it keeps calling IMDS through the callers
 * named in its arguments ({@code inventory}, {@code export}, {@code v2}, {@code legacy-sdk}) every
 * few hundred milliseconds, as a long-running service does, until its standard input closes.
 */
public final class FleetServiceApp {

    private static Runnable caller(String name, String endpoint) {
        switch (name) {
            case "inventory":
                return () -> InventorySync.fetchInstanceId(endpoint);
            case "export":
                return () -> ReportExporter.fetchRegion(endpoint);
            case "v2":
                return () -> NativeV2Client.fetchInstanceType(endpoint);
            case "legacy-sdk":
                return () -> LegacySdkFetcher.fetchAvailabilityZone(endpoint);
            default:
                throw new IllegalArgumentException("unknown caller " + name);
        }
    }

    public static void main(String[] args) throws Exception {
        String endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        List<Runnable> callers = new ArrayList<>();
        for (String name : args[0].split(",")) {
            callers.add(caller(name, endpoint));
        }
        Thread worker =
                new Thread(
                        () -> {
                            for (int tick = 1; !Thread.currentThread().isInterrupted(); tick++) {
                                for (Runnable caller : callers) {
                                    try {
                                        caller.run();
                                    } catch (RuntimeException e) {
                                        System.out.println("call failed: " + e);
                                    }
                                }
                                System.out.println("tick " + tick);
                                try {
                                    Thread.sleep(250);
                                } catch (InterruptedException e) {
                                    return;
                                }
                            }
                        },
                        "fleet-worker");
        worker.setDaemon(true);
        worker.start();
        BufferedReader in =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        while (in.readLine() != null) {
            // runs until the test closes standard input
        }
    }
}
