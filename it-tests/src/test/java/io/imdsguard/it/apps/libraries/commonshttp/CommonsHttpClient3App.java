package io.imdsguard.it.apps.libraries.commonshttp;

import java.io.IOException;
import org.apache.commons.httpclient.HttpClient;
import org.apache.commons.httpclient.methods.GetMethod;

/**
 * Reads IMDS v1 through commons-httpclient 3.1, which writes its requests to raw sockets, from two
 * methods of its own. Arguments: steps, {@code instance-id} or {@code ami-id}; each prints {@code
 * <step>: <status> <body>}.
 */
public final class CommonsHttpClient3App {

    private static final HttpClient CLIENT = new HttpClient();

    private CommonsHttpClient3App() {}

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

    static String instanceId(String endpoint) throws IOException {
        GetMethod get = new GetMethod(endpoint + "/latest/meta-data/instance-id");
        try {
            int status = CLIENT.executeMethod(get);
            return status + " " + get.getResponseBodyAsString();
        } finally {
            get.releaseConnection();
        }
    }

    static String amiId(String endpoint) throws IOException {
        GetMethod get = new GetMethod(endpoint + "/latest/meta-data/ami-id");
        try {
            int status = CLIENT.executeMethod(get);
            return status + " " + get.getResponseBodyAsString();
        } finally {
            get.releaseConnection();
        }
    }
}
