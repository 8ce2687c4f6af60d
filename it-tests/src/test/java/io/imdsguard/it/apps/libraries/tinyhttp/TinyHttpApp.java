package io.imdsguard.it.apps.libraries.tinyhttp;

import net.tinyhttp.TinyHttp;

/**
 * Reads IMDS v1 through {@link TinyHttp}, a library the agent has never heard of, from two methods
 * of its own. Self-contained (no other test class), since the test runs it from a copy of its own
 * classes beside the library's jar. Arguments: steps, {@code instance-id} or {@code ami-id}.
 */
public final class TinyHttpApp {

    private TinyHttpApp() {}

    public static void main(String[] args) throws Exception {
        String endpoint = System.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT");
        for (String step : args) {
            if (step.equals("instance-id")) {
                System.out.println("instance-id: " + instanceId(endpoint));
            } else if (step.equals("ami-id")) {
                System.out.println("ami-id: " + amiId(endpoint));
            } else {
                throw new IllegalArgumentException("unknown step " + step);
            }
        }
        System.out.println("done");
    }

    static String instanceId(String endpoint) throws Exception {
        return TinyHttp.get(endpoint + "/latest/meta-data/instance-id");
    }

    static String amiId(String endpoint) throws Exception {
        return TinyHttp.get(endpoint + "/latest/meta-data/ami-id");
    }
}
