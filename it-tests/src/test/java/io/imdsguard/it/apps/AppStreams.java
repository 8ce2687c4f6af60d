package io.imdsguard.it.apps;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * What the test apps need of Java 9+'s InputStream methods, for Java 8: the apps are compiled with
 * {@code --release 8} and run on every JVM of the test matrix.
 */
public final class AppStreams {

    private AppStreams() {}

    /** {@code in.readAllBytes()}. */
    public static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        transfer(in, out);
        return out.toByteArray();
    }

    /** {@code in.transferTo(out)}. */
    public static long transfer(InputStream in, OutputStream out) throws IOException {
        byte[] buffer = new byte[8192];
        long total = 0;
        int read;
        while ((read = in.read(buffer)) >= 0) {
            out.write(buffer, 0, read);
            total += read;
        }
        return total;
    }
}
