package io.imdsguard.it.apps.indirect;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A hand-written HTTP/1.1 client over an NIO {@link SocketChannel}, as code without any HTTP
 * library might talk to IMDS: no client hook sees it, only the connection. Reads one URL and prints
 * {@code nio: <status> <body or ->}, or {@code nio: FAILED <exception>}. Java 8 API only.
 *
 * <p>Arguments: the URL, then optionally how the request head is written, and {@code v2} to send
 * the GET with a token (taken first with a PUT written whole):
 *
 * <ul>
 *   <li>{@code whole}: one write (the default);
 *   <li>{@code bytes}: one write per byte;
 *   <li>{@code split}: one write per line, the token header's value cut in two;
 *   <li>{@code gather}: the pieces of {@code split} as the buffers of one gathering write;
 *   <li>{@code lf}: one write, lines ending in a bare LF;
 *   <li>{@code huge}: one write, a head over 16 KB.
 * </ul>
 */
public final class NioClientApp {

    public static void main(String[] args) throws Exception {
        String mode = args.length > 1 ? args[1] : "whole";
        boolean v2 = args.length > 2 && args[2].equals("v2");
        URI url = URI.create(args[0]);
        String answer;
        try {
            String token = null;
            if (v2) {
                token =
                        send(
                                        url,
                                        "PUT",
                                        "/latest/api/token",
                                        "X-aws-ec2-metadata-token-ttl-seconds: 60\r\n",
                                        "whole",
                                        null)
                                .split(" ", 2)[1];
            }
            answer = send(url, "GET", url.getRawPath(), "", mode, token);
        } catch (IOException e) {
            answer = "FAILED " + e;
        }
        System.out.println("nio: " + answer);
        System.out.println("done");
    }

    /** A GET of {@code url} written whole. */
    static String read(URI url) throws IOException {
        return send(url, "GET", url.getRawPath(), "", "whole", null);
    }

    static String send(
            URI url, String method, String path, String extraHeaders, String mode, String token)
            throws IOException {
        SocketChannel channel =
                SocketChannel.open(new InetSocketAddress(url.getHost(), url.getPort()));
        try {
            List<String> pieces = new ArrayList<String>();
            pieces.add(method + " " + path + " HTTP/1.1\r\n");
            pieces.add("Host: " + url.getHost() + ":" + url.getPort() + "\r\n");
            if (token != null) {
                int half = token.length() / 2;
                pieces.add("X-aws-ec2-metadata-token: " + token.substring(0, half));
                pieces.add(token.substring(half) + "\r\n");
            }
            if (mode.equals("huge")) {
                StringBuilder pad = new StringBuilder("X-Pad: ");
                while (pad.length() < 17 * 1024) {
                    pad.append('a');
                }
                pieces.add(pad.append("\r\n").toString());
            }
            if (!extraHeaders.isEmpty()) {
                pieces.add(extraHeaders);
            }
            pieces.add("Connection: close\r\n");
            pieces.add("\r\n");
            write(channel, pieces, mode);
            return answer(channel);
        } finally {
            channel.close();
        }
    }

    private static void write(SocketChannel channel, List<String> pieces, String mode)
            throws IOException {
        StringBuilder whole = new StringBuilder();
        for (String piece : pieces) {
            whole.append(piece);
        }
        if (mode.equals("bytes")) {
            for (byte b : bytes(whole.toString())) {
                ByteBuffer one = ByteBuffer.wrap(new byte[] {b});
                while (one.hasRemaining()) {
                    channel.write(one);
                }
            }
        } else if (mode.equals("split")) {
            for (String piece : pieces) {
                writeFully(channel, ByteBuffer.wrap(bytes(piece)));
            }
        } else if (mode.equals("gather")) {
            ByteBuffer[] buffers = new ByteBuffer[pieces.size()];
            for (int i = 0; i < buffers.length; i++) {
                buffers[i] = ByteBuffer.wrap(bytes(pieces.get(i)));
            }
            while (buffers[buffers.length - 1].hasRemaining()) {
                channel.write(buffers);
            }
        } else if (mode.equals("lf")) {
            writeFully(channel, ByteBuffer.wrap(bytes(whole.toString().replace("\r\n", "\n"))));
        } else {
            writeFully(channel, ByteBuffer.wrap(bytes(whole.toString())));
        }
    }

    private static void writeFully(SocketChannel channel, ByteBuffer out) throws IOException {
        while (out.hasRemaining()) {
            channel.write(out);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String answer(SocketChannel channel) throws IOException {
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
    }
}
