package io.imdsguard.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the agent jar's command line, {@code java -jar imds-guard-agent.jar ARGS}, on the test's
 * JDK.
 */
public final class AgentCommand {

    private AgentCommand() {}

    public static JvmResult run(String... args) throws IOException, InterruptedException {
        return runOn(Paths.get(System.getProperty("java.home")), args);
    }

    /** The same on the java of {@code javaHome}, e.g. a Java 8 JDK or JRE. */
    public static JvmResult runOn(java.nio.file.Path javaHome, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(AppJava.java(javaHome).toString());
        command.add("-jar");
        command.add(AppJvm.Artifacts.agentJar().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("IMDS_GUARD_"));
        Process process = builder.start();
        process.getOutputStream().close();
        CompletableFuture<String> out =
                CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err =
                CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(AppJvm.TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(
                    "'" + String.join(" ", args) + "' did not end within " + AppJvm.TIMEOUT);
        }
        try {
            // The process has ended; only a child of it still holding the pipes could keep them
            // open.
            return new JvmResult(
                    process.exitValue(),
                    out.get(10, TimeUnit.SECONDS),
                    err.get(10, TimeUnit.SECONDS));
        } catch (java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException e) {
            throw new AssertionError(
                    "'" + String.join(" ", args) + "' ended but its output did not: " + e);
        }
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
