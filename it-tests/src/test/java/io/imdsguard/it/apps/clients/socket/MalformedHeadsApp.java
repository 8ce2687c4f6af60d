package io.imdsguard.it.apps.clients.socket;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * Hand-written HTTP over a plain socket with heads the agent's parser finds hard: one connection
 * per case, to {@code 127.0.0.1:<port>} (the first argument), then the case names. Each case writes
 * its bytes, reads the answer's first line within 5 s (so a held request shows as {@code TIMEOUT}),
 * and prints {@code <case>: <first line>} or {@code <case>: FAILED <exception>}. Java 8 API only.
 */
public final class MalformedHeadsApp {

    static final String CASES = "bare-lf huge double-space pipelined byte-by-byte http09 junk";

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        String[] cases =
                args.length > 1
                        ? java.util.Arrays.copyOfRange(args, 1, args.length)
                        : CASES.split(" ");
        for (String name : cases) {
            String result;
            try {
                result = send(port, name);
            } catch (SocketTimeoutException e) {
                result = "TIMEOUT";
            } catch (IOException e) {
                result = "FAILED " + e;
            }
            System.out.println(name + ": " + result);
        }
        System.out.println("done");
    }

    static String send(int port, String name) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        try {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            byte[] bytes = request(name).getBytes(StandardCharsets.ISO_8859_1);
            if (name.equals("byte-by-byte")) {
                for (byte b : bytes) {
                    out.write(b);
                    out.flush();
                }
            } else {
                out.write(bytes);
                out.flush();
            }
            if (name.equals("http09") || name.equals("junk")) {
                // No empty line ends these: the end of output is what a server answers.
                socket.shutdownOutput();
            }
            return firstLine(socket.getInputStream());
        } finally {
            socket.close();
        }
    }

    static String request(String name) {
        String path = "/latest/meta-data/instance-id";
        if (name.equals("bare-lf")) {
            return "GET " + path + " HTTP/1.1\nHost: imds\n\n";
        } else if (name.equals("huge")) {
            StringBuilder pad = new StringBuilder();
            for (int i = 0; i < 20000; i++) {
                pad.append('a');
            }
            return "GET " + path + " HTTP/1.1\r\nHost: imds\r\nX-Pad: " + pad + "\r\n\r\n";
        } else if (name.equals("double-space")) {
            return "GET  " + path + " HTTP/1.1\r\nHost: imds\r\n\r\n";
        } else if (name.equals("pipelined")) {
            return "GET "
                    + path
                    + " HTTP/1.1\nHost: imds\n\nGET /latest/meta-data/ami-id HTTP/1.1\r\nHost: imds\r\n\r\n";
        } else if (name.equals("byte-by-byte")) {
            return "GET " + path + " HTTP/1.1\r\nHost: imds\r\n\r\n";
        } else if (name.equals("http09")) {
            return "GET " + path + "\r\n";
        } else if (name.equals("junk")) {
            return "{\"get\": \"" + path + "\"}\n";
        }
        throw new IllegalArgumentException(name);
    }

    private static String firstLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        return new String(line.toByteArray(), StandardCharsets.ISO_8859_1).trim();
    }
}
