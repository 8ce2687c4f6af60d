package io.imdsguard.demo;

import io.imdsguard.mockimds.HttpTokens;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Locale;

/** The demo's command line. */
final class DemoOptions {

    static final String USAGE =
            String.join(
                    "\n",
                    "usage: java [-javaagent:imds-guard-agent.jar[=key=value,...]] -jar imds-guard-demo.jar [options]",
                    "  --endpoint URL          use the IMDS at URL (loopback only) instead of the embedded mock",
                    "  --mock-bind HOST:PORT   where the embedded mock listens (default 127.0.0.1:0, a free port)",
                    "  --http-tokens MODE      the embedded mock's HttpTokens: optional (default) or required",
                    "  --repeat N              run every call N times (default 1)",
                    "  --hold                  after the calls, wait for a line on standard input before exiting");

    URI endpoint;
    String mockHost = "127.0.0.1";
    int mockPort = 0;
    HttpTokens httpTokens = HttpTokens.OPTIONAL;
    int repeat = 1;
    boolean hold;
    boolean help;

    static DemoOptions parse(String[] args) {
        DemoOptions options = new DemoOptions();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--endpoint" -> options.endpoint = loopbackEndpoint(value(args, ++i, arg));
                case "--mock-bind" -> options.mockBind(value(args, ++i, arg));
                case "--http-tokens" -> options.httpTokens = httpTokens(value(args, ++i, arg));
                case "--repeat" -> options.repeat = positive(value(args, ++i, arg), arg);
                case "--hold" -> options.hold = true;
                case "--help", "-h" -> options.help = true;
                default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
            }
        }
        return options;
    }

    private void mockBind(String value) {
        int colon = value.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--mock-bind takes HOST:PORT, not '" + value + "'");
        }
        mockHost = value.substring(0, colon).replace("[", "").replace("]", "");
        mockPort = positiveOrZero(value.substring(colon + 1), "--mock-bind");
    }

    /** The demo never talks to anything but loopback: a real IMDS is not its business. */
    private static URI loopbackEndpoint(String value) {
        URI uri = URI.create(value);
        try {
            if (uri.getHost() == null
                    || !InetAddress.getByName(uri.getHost()).isLoopbackAddress()) {
                throw new IllegalArgumentException(
                        "--endpoint must be a loopback URL such as http://127.0.0.1:1338");
            }
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(
                    "--endpoint host '" + uri.getHost() + "' is unknown");
        }
        return uri;
    }

    private static HttpTokens httpTokens(String value) {
        try {
            return HttpTokens.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "--http-tokens takes optional or required, not '" + value + "'");
        }
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private static int positive(String value, String option) {
        int number = positiveOrZero(value, option);
        if (number == 0) {
            throw new IllegalArgumentException(option + " needs a number above 0");
        }
        return number;
    }

    private static int positiveOrZero(String value, String option) {
        try {
            int number = Integer.parseInt(value);
            if (number < 0) {
                throw new NumberFormatException();
            }
            return number;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, not '" + value + "'");
        }
    }
}
