package io.imdsguard.mockimds;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

/** Runs the mock IMDS as a process, for the demo and for tests that need it out of process. */
public final class MockImdsMain {

    static final String USAGE =
            "usage: mock-imds [--host HOST] [--port PORT] [--http-tokens optional|required]\n"
                    + "  --host         address to bind (default 127.0.0.1)\n"
                    + "  --port         port to bind, 0 = any free port (default 0)\n"
                    + "  --http-tokens  optional (v1 allowed) or required (v1 gets 401) (default optional)";

    /** Parsed command line. */
    record Options(String host, int port, HttpTokens httpTokens, boolean help) {

        static Options parse(String[] args) {
            String host = "127.0.0.1";
            int port = 0;
            HttpTokens httpTokens = HttpTokens.OPTIONAL;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                switch (arg) {
                    case "-h", "--help" -> {
                        return new Options(host, port, httpTokens, true);
                    }
                    case "--host" -> host = value(args, ++i, arg);
                    case "--port" -> port = parsePort(value(args, ++i, arg));
                    case "--http-tokens" -> httpTokens = parseHttpTokens(value(args, ++i, arg));
                    default -> throw new IllegalArgumentException("unknown option: " + arg);
                }
            }
            return new Options(host, port, httpTokens, false);
        }

        private static String value(String[] args, int i, String option) {
            if (i >= args.length || args[i].isEmpty()) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return args[i];
        }

        private static int parsePort(String text) {
            try {
                int port = Integer.parseInt(text);
                if (port >= 0 && port <= 65_535) {
                    return port;
                }
            } catch (NumberFormatException ignored) {
                // Reported below with the offending text.
            }
            throw new IllegalArgumentException("--port must be 0..65535, got: " + text);
        }

        private static HttpTokens parseHttpTokens(String text) {
            return switch (text.toLowerCase(Locale.ROOT)) {
                case "optional" -> HttpTokens.OPTIONAL;
                case "required" -> HttpTokens.REQUIRED;
                default ->
                        throw new IllegalArgumentException(
                                "--http-tokens must be optional or required, got: " + text);
            };
        }
    }

    private MockImdsMain() {}

    public static void main(String[] args) throws InterruptedException {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("mock-imds: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(USAGE);
            return;
        }
        MockImds imds;
        try {
            imds = start(options, System.out);
        } catch (IOException e) {
            System.err.println(
                    "mock-imds: cannot listen on "
                            + options.host()
                            + ":"
                            + options.port()
                            + ": "
                            + e);
            System.exit(1);
            return;
        }
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    imds.close();
                                    System.out.println(
                                            "mock IMDS stopped: " + imds.stats().summary());
                                    System.out.flush();
                                },
                                "mock-imds-shutdown"));
        // The server threads are daemons, so this thread is what keeps the process alive until it
        // is killed.
        new CountDownLatch(1).await();
    }

    /** Starts the mock and prints the one line that launchers wait for. */
    static MockImds start(Options options, PrintStream out) throws IOException {
        MockImds imds =
                MockImds.builder()
                        .host(options.host())
                        .port(options.port())
                        .httpTokens(options.httpTokens())
                        .start();
        out.println(
                "mock IMDS listening on "
                        + imds.endpoint()
                        + " (HttpTokens="
                        + options.httpTokens().name().toLowerCase(Locale.ROOT)
                        + ")");
        out.flush();
        return imds;
    }
}
