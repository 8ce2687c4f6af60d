package io.imdsguard.demo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Small I/O helpers shared by the demo's clients. */
public final class ImdsHttp {

    public static final String TOKEN_HEADER = "X-aws-ec2-metadata-token";
    public static final String TTL_HEADER = "X-aws-ec2-metadata-token-ttl-seconds";

    private ImdsHttp() {}

    public static String read(InputStream in) throws IOException {
        try (InputStream input = in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            input.transferTo(out);
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    /** A field of the flat JSON documents IMDS returns, without a JSON library. */
    public static String jsonField(String json, String field) {
        String marker = "\"" + field + "\"";
        int at = json.indexOf(marker);
        if (at < 0) {
            return "?";
        }
        int colon = json.indexOf(':', at + marker.length());
        int start = json.indexOf('"', colon + 1);
        int end = json.indexOf('"', start + 1);
        return start < 0 || end < 0 ? "?" : json.substring(start + 1, end);
    }
}
