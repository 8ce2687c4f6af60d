package io.imdsguard.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * The Java the application JVMs of a test run use. The test JVM itself stays on the build's JDK
 * (the tests use Java 17); each failsafe execution names the JVM under test with {@code
 * imds.guard.it.java.home} (Java 8, 11, 21 from .ci/legacy-jdks), and without it the apps run on
 * the test's own JDK (the it-jdk17 and it-jdk25 runs).
 */
public final class AppJava {

    /** The failsafe property naming the JVM under test. */
    public static final String HOME_PROPERTY = "imds.guard.it.java.home";

    private static final Map<Path, Integer> FEATURES = new ConcurrentHashMap<>();
    private static final Pattern VERSION = Pattern.compile("version \"(1\\.)?(\\d+)");

    private AppJava() {}

    /** The java home of the application JVMs of this run. */
    public static Path home() {
        String home = System.getProperty(HOME_PROPERTY, "");
        return Paths.get(home.isEmpty() ? System.getProperty("java.home") : home);
    }

    public static Path java(Path home) {
        return home.resolve("bin").resolve("java");
    }

    /** The feature version (8, 11, 17, ...) of the application JVMs of this run. */
    public static int feature() {
        return feature(home());
    }

    /** The feature version of the java at {@code home}, from its own {@code java -version}. */
    public static int feature(Path home) {
        return FEATURES.computeIfAbsent(home, AppJava::askVersion);
    }

    /**
     * Skips the calling test, saying why, when the JVM under test is older than {@code feature}.
     */
    public static void assumeAtLeast(int feature, String what) {
        Assumptions.assumeTrue(
                feature() >= feature,
                () ->
                        what
                                + " needs Java "
                                + feature
                                + "; the JVM under test is Java "
                                + feature()
                                + " ("
                                + home()
                                + ")");
    }

    /**
     * A legacy JVM of .ci/legacy-jdks named by a failsafe property ({@code
     * imds.guard.it.jdk8.home}, ...), when it is there.
     */
    public static Optional<Path> legacy(String property) {
        String home = System.getProperty(property, "");
        if (home.isEmpty() || !Files.isExecutable(java(Paths.get(home)))) {
            return Optional.empty();
        }
        return Optional.of(Paths.get(home));
    }

    /** {@link #legacy}, or skips the calling test with a message saying how to get that JVM. */
    public static Path requireLegacy(String property, String what) {
        Optional<Path> home = legacy(property);
        Assumptions.assumeTrue(
                home.isPresent(),
                () ->
                        what
                                + " is not prepared ("
                                + property
                                + "="
                                + System.getProperty(property, "")
                                + "): run .ci/legacy-jdks");
        return home.get();
    }

    private static int askVersion(Path home) {
        try {
            Process process =
                    new ProcessBuilder(java(home).toString(), "-version")
                            .redirectErrorStream(true)
                            .start();
            String out =
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(java(home) + " -version did not answer");
            }
            Matcher matcher = VERSION.matcher(out);
            if (!matcher.find()) {
                throw new IllegalStateException(
                        "no version in the output of " + java(home) + " -version:\n" + out);
            }
            return Integer.parseInt(matcher.group(2));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + java(home) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
