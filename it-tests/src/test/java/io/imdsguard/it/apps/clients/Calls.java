package io.imdsguard.it.apps.clients;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * How the client apps report each call: one line, {@code name: result} or {@code name: FAILED
 * exception}.
 */
public final class Calls {

    private Calls() {}

    public static void print(String name, Callable<String> call) {
        String result;
        try {
            result = call.call();
        } catch (Exception e) {
            result = "FAILED " + e;
        }
        System.out.println(name + ": " + result.replace('\n', ' ').replace('\r', ' ').trim());
    }

    /**
     * Step mode, as {@link io.imdsguard.it.apps.StepApp}: prints {@code ready}, then for each line
     * read from standard input calls the app's static method of that name, prints its result line
     * and {@code ok}, until {@code quit}.
     */
    public static void steps(Class<?> app) throws Exception {
        System.out.println("ready");
        BufferedReader in =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("quit")) {
            Method method = app.getDeclaredMethod(line);
            method.setAccessible(true);
            print(
                    line,
                    () -> {
                        try {
                            return (String) method.invoke(null);
                        } catch (InvocationTargetException e) {
                            throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
                        }
                    });
            System.out.println("ok");
        }
    }
}
