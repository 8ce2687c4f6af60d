package io.imdsguard.it.apps.clients;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * The loop the Netty client apps share: run the commands given as arguments, or, without arguments,
 * read them from standard input (so that a test can change the mock IMDS between two calls). Each
 * call prints {@code <command>: <result>} and then {@code ok}; {@code quit} ends it. The requests
 * themselves are made in each app's own methods, which are the call sites.
 */
public final class ClientScript {

    private ClientScript() {}

    public static void run(String[] args, Map<String, Callable<String>> calls) throws Exception {
        if (args.length > 0) {
            for (String command : args) {
                execute(command, calls);
            }
        } else {
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            System.out.println("ready");
            String command;
            while ((command = in.readLine()) != null && !command.equals("quit")) {
                execute(command, calls);
            }
        }
        System.out.println("done");
    }

    private static void execute(String command, Map<String, Callable<String>> calls) {
        String result;
        try {
            Callable<String> call = calls.get(command);
            result = call == null ? "unknown command" : call.call();
        } catch (Exception e) {
            Throwable cause =
                    e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            result = "FAILED " + cause;
        }
        System.out.println(command + ": " + result);
        System.out.println("ok");
    }

    /** {@code Map.of} for Java 8, in the given order. */
    public static Map<String, Callable<String>> calls(
            String name1, Callable<String> call1, String name2, Callable<String> call2) {
        Map<String, Callable<String>> calls = new LinkedHashMap<>();
        calls.put(name1, call1);
        calls.put(name2, call2);
        return calls;
    }

    public static Map<String, Callable<String>> calls(
            String name1,
            Callable<String> call1,
            String name2,
            Callable<String> call2,
            String name3,
            Callable<String> call3,
            String name4,
            Callable<String> call4) {
        Map<String, Callable<String>> calls = calls(name1, call1, name2, call2);
        calls.put(name3, call3);
        calls.put(name4, call4);
        return calls;
    }

    /** What the apps print for an answer: status and body, one line. */
    public static String show(int status, String body) {
        return status + " " + (body == null ? "" : body.trim());
    }
}
