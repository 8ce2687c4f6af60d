package io.imdsguard.it.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java version of the JVM an {@link AppJvm} will start, which need not be the test's own: a
 * check that holds only from some version on (a JDK warning, an API) must ask the JVM it is about.
 */
public final class JvmUnderTest {

    private static final Pattern SPECIFICATION =
            Pattern.compile("java\\.specification\\.version = (\\S+)");
    private static final Map<String, Integer> FEATURE_BY_BINARY = new ConcurrentHashMap<>();

    private JvmUnderTest() {}

    /** The feature version (8, 11, 17, 21, 25, ...) of the java binary {@code jvm} runs. */
    public static int feature(AppJvm jvm) {
        String java = jvm.command().get(0);
        return FEATURE_BY_BINARY.computeIfAbsent(java, JvmUnderTest::ask);
    }

    private static int ask(String java) {
        try {
            Process process =
                    new ProcessBuilder(java, "-XshowSettings:properties", "-version")
                            .redirectErrorStream(true)
                            .start();
            process.getOutputStream().close();
            String out =
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(java + " -version did not end within 30 s");
            }
            Matcher version = SPECIFICATION.matcher(out);
            if (!version.find()) {
                throw new AssertionError(
                        "no java.specification.version from " + java + ":\n" + out);
            }
            String spec = version.group(1);
            return Integer.parseInt(spec.startsWith("1.") ? spec.substring(2) : spec);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + java + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
