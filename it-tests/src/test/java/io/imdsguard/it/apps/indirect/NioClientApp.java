package io.imdsguard.it.apps.indirect;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A hand-written HTTP/1.1 client over an NIO {@link SocketChannel}, as code without any HTTP library
 * might talk to IMDS: no client hook sees it, only the connection. Reads one URL and prints
 * {@code nio: <status> <body or ->}, or {@code nio: FAILED <exception>}. Java 8 API only.
 */
public final class NioClientApp {

    public static void main(String[] args) throws Exception {
        String answer;
        try {
            answer = read(URI.create(args[0]));
        } catch (IOException e) {
            answer = "FAILED " + e;
        }
        System.out.println("nio: " + answer);
        System.out.println("done");
    }

    static String read(URI url) throws IOException {
        SocketChannel channel = SocketChannel.open(new InetSocketAddress(url.getHost(), url.getPort()));
        try {
            String head = "GET " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                    + "\r\nConnection: close\r\n\r\n";
            ByteBuffer out = ByteBuffer.wrap(head.getBytes(StandardCharsets.ISO_8859_1));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            ByteBuffer in = ByteBuffer.allocate(4096);
            while (channel.read(in) >= 0) {
                in.flip();
                answer.write(in.array(), 0, in.limit());
                in.clear();
            }
            String text = new String(answer.toByteArray(), StandardCharsets.ISO_8859_1);
            int status = Integer.parseInt(text.substring(9, 12));
            int bodyStart = text.indexOf("\r\n\r\n") + 4;
            return status + " " + (status == 200 ? text.substring(bodyStart).trim() : "-");
        } finally {
            channel.close();
        }
    }
}
