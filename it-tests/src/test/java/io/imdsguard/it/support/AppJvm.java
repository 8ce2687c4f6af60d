package io.imdsguard.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts a real JVM, with or without the agent, on the JVM under test ({@link AppJava}: Java 8, 11,
 * 21 per failsafe execution, else the test's own JDK, so the it-jdk25 run tests the agent on JDK
 * 25), and collects its output. Test apps run from the classes compiled for the oldest Java they
 * support (target/app-classes-java8, target/app-classes-java11, see the it-tests pom); a test whose
 * app needs a newer Java than the JVM under test is skipped with a message.
 */
public final class AppJvm {

    public static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final List<String> command = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> removedEnvironment = new ArrayList<>();
    private String agentArguments;
    private boolean withAgent;
    private final List<String> jvmOptions = new ArrayList<>();
    private final List<String> target = new ArrayList<>();
    private final List<String> wrapper = new ArrayList<>();
    private Path javaHome = AppJava.home();
    private String appClass;

    /**
     * The Java the app's client library needs, and what that library is, where newer than Java 8.
     */
    private int libraryJava = 8;

    private String library = "";

    /**
     * The client libraries that need a newer Java than 8: the folders of target/client-libs, and
     * the apps that run on the test classpath with its newer libraries (Spring 6, AsyncHttpClient
     * 3).
     */
    private static final java.util.Map<String, Object[]> NEWER_LIBRARIES =
            java.util.Map.of(
                    "jetty-11", new Object[] {11, "Jetty 11"},
                    "jetty-12", new Object[] {17, "Jetty 12"},
                    "io.imdsguard.it.apps.libraries.spring.RestTemplateApp",
                            new Object[] {17, "Spring 6"},
                    "io.imdsguard.it.apps.clients.reactornetty.SpringWebClientApp",
                            new Object[] {17, "Spring 6 (WebClient)"},
                    "io.imdsguard.it.apps.clients.asynchttpclient.AsyncHttpClientApp",
                            new Object[] {11, "AsyncHttpClient 3"},
                    "io.imdsguard.it.apps.indirect.RedirectFollowingClientsApp",
                            new Object[] {11, "AsyncHttpClient 3"});

    private AppJvm needsLibrary(String key) {
        Object[] needs = NEWER_LIBRARIES.get(key);
        if (needs != null) {
            libraryJava = (Integer) needs[0];
            library = (String) needs[1];
        }
        return this;
    }

    /**
     * The test apps compiled for Java 8, for a test that lays out an application's classes itself
     * (a library jar cut from them): they run on every JVM of the matrix.
     */
    public static Path java8AppClasses() {
        return appClasses(8);
    }

    /**
     * Where the build compiled the test apps for a given Java (the pom's app-classes executions).
     */
    private static Path appClasses(int release) {
        Path testClasses =
                Paths.get(
                        AppJvm.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        return testClasses.getParent().resolve("app-classes-java" + release);
    }

    /** The oldest Java the main class was compiled for: 8, 11, or the test classes' 17. */
    private static int release(String className) {
        String file = className.replace('.', '/') + ".class";
        for (int release : new int[] {8, 11}) {
            if (appClasses(release).resolve(file).toFile().isFile()) {
                return release;
            }
        }
        return 17;
    }

    /**
     * The apps' classes for Java 8 and 11 ahead of the test classes, so each JVM runs what it can
     * load.
     */
    private static String withAppClasses(String classpath) {
        return appClasses(8)
                + java.io.File.pathSeparator
                + appClasses(11)
                + java.io.File.pathSeparator
                + classpath;
    }

    public static AppJvm mainClass(Class<?> mainClass, String... args) {
        AppJvm jvm = new AppJvm();
        jvm.target.add("-cp");
        jvm.target.add(
                withAppClasses(
                        System.getProperty(
                                "surefire.test.class.path",
                                System.getProperty("java.class.path"))));
        jvm.target.add(mainClass.getName());
        jvm.appClass = mainClass.getName();
        jvm.target.addAll(List.of(args));
        return jvm.needsLibrary(mainClass.getName());
    }

    /**
     * A main class of the test sources run on a classpath of its own: the compiled test classes
     * plus the jars of {@code target/client-libs/<libraries>}, which the build copies there, so
     * that one test can run the same code against two versions of a library (OkHttp 3 and 4, ...).
     */
    public static AppJvm mainClassWithLibraries(
            String libraries, Class<?> mainClass, String... args) {
        Path testClasses =
                Paths.get(mainClass.getProtectionDomain().getCodeSource().getLocation().getPath());
        Path libs = testClasses.getParent().resolve("client-libs").resolve(libraries);
        StringBuilder classpath = new StringBuilder(withAppClasses(testClasses.toString()));
        java.io.File[] jars = libs.toFile().listFiles((dir, name) -> name.endsWith(".jar"));
        if (jars == null || jars.length == 0) {
            throw new IllegalStateException(
                    "no jars in " + libs + "; run the tests with mvn verify");
        }
        java.util.Arrays.sort(jars);
        for (java.io.File jar : jars) {
            classpath.append(java.io.File.pathSeparator).append(jar);
        }
        AppJvm jvm = new AppJvm();
        jvm.target.add("-cp");
        jvm.target.add(classpath.toString());
        jvm.target.add(mainClass.getName());
        jvm.appClass = mainClass.getName();
        jvm.target.addAll(List.of(args));
        return jvm.needsLibrary(libraries);
    }

    /**
     * A main class run on exactly the given class path: for an application whose library must come
     * from a jar of its own, not from the compiled test classes that also hold it.
     */
    public static AppJvm mainClassOnClassPath(
            List<Path> classpath, String mainClass, String... args) {
        AppJvm jvm = new AppJvm();
        jvm.target.add("-cp");
        jvm.target.add(
                classpath.stream()
                        .map(Path::toString)
                        .collect(java.util.stream.Collectors.joining(java.io.File.pathSeparator)));
        jvm.target.add(mainClass);
        jvm.target.addAll(List.of(args));
        return jvm;
    }

    public static AppJvm demoJar(String... args) {
        AppJvm jvm = new AppJvm();
        jvm.target.add("-jar");
        jvm.target.add(Artifacts.demoJar().toString());
        jvm.target.addAll(List.of(args));
        // The demo app and the mock IMDS it embeds are built for Java 17.
        jvm.libraryJava = 17;
        jvm.library = "the demo app (built for Java 17)";
        return jvm;
    }

    /** {@code java -jar imds-guard-agent.jar ARGS}: the agent jar as a command-line program. */
    public static AppJvm agentCommand(String... args) {
        AppJvm jvm = new AppJvm();
        jvm.target.add("-jar");
        jvm.target.add(Artifacts.agentJar().toString());
        jvm.target.addAll(List.of(args));
        return jvm;
    }

    /** Runs on the java of {@code home} instead of the JVM under test (attach across versions). */
    public AppJvm onJava(Path home) {
        this.javaHome = home;
        return this;
    }

    /** Runs with {@code -javaagent:imds-guard-agent.jar=ARGS}; null or empty for no arguments. */
    public AppJvm withAgent(String arguments) {
        this.withAgent = true;
        this.agentArguments = arguments;
        return this;
    }

    public AppJvm systemProperty(String name, String value) {
        jvmOptions.add("-D" + name + "=" + value);
        return this;
    }

    /** Any other option for the JVM, e.g. {@code -verbose:class}. */
    public AppJvm jvmOption(String option) {
        jvmOptions.add(option);
        return this;
    }

    public AppJvm env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    public AppJvm withoutEnv(String name) {
        removedEnvironment.add(name);
        return this;
    }

    /** Runs the JVM through another program, e.g. {@code unshare -rn sh -c '...'}. */
    public AppJvm wrappedIn(List<String> wrapperCommand) {
        wrapper.addAll(wrapperCommand);
        return this;
    }

    public List<String> command() {
        List<String> full = new ArrayList<>();
        full.add(AppJava.java(javaHome).toString());
        if (withAgent) {
            String agent = "-javaagent:" + Artifacts.agentJar();
            full.add(
                    agentArguments == null || agentArguments.isEmpty()
                            ? agent
                            : agent + "=" + agentArguments);
        }
        full.addAll(jvmOptions);
        if (AppJava.feature(javaHome) < 17 && target.size() > 1 && target.get(0).equals("-cp")) {
            // Spring 6's spring-jcl (Java 17 classes) shadows commons-logging's
            // org.apache.commons.logging,
            // which Apache HttpClient 4 loads: a JVM older than 17 must find commons-logging's own.
            List<String> older = new ArrayList<>(target);
            older.set(
                    1,
                    String.join(
                            java.io.File.pathSeparator,
                            java.util.Arrays.stream(target.get(1).split(java.io.File.pathSeparator))
                                    .filter(
                                            entry ->
                                                    !Paths.get(entry)
                                                            .getFileName()
                                                            .toString()
                                                            .startsWith("spring-jcl-6"))
                                    .toArray(String[]::new)));
            full.addAll(older);
        } else {
            full.addAll(target);
        }
        return full;
    }

    public JvmResult run() throws IOException, InterruptedException {
        return start().finish();
    }

    public Running start() throws IOException {
        if (appClass != null) {
            int needs = release(appClass);
            int runs = AppJava.feature(javaHome);
            org.junit.jupiter.api.Assumptions.assumeTrue(
                    runs >= needs,
                    () ->
                            appClass
                                    + " needs Java "
                                    + needs
                                    + (needs == 11 ? " (java.net.http)" : "")
                                    + "; skipped on Java "
                                    + runs
                                    + " ("
                                    + javaHome
                                    + ")");
        }
        if (libraryJava > 8) {
            int runs = AppJava.feature(javaHome);
            org.junit.jupiter.api.Assumptions.assumeTrue(
                    runs >= libraryJava,
                    () ->
                            library
                                    + " needs Java "
                                    + libraryJava
                                    + "; "
                                    + (appClass == null ? "it" : appClass + " with it")
                                    + " is skipped on Java "
                                    + runs
                                    + " ("
                                    + javaHome
                                    + ")");
        }
        assumeModeInSlice();
        List<String> full = new ArrayList<>(wrapper);
        if (wrapper.isEmpty()) {
            full.addAll(command());
        } else {
            // The wrapper's last element is a shell script; the java command is appended to it,
            // quoted.
            String script = full.remove(full.size() - 1);
            StringBuilder quoted = new StringBuilder(script);
            for (String part : command()) {
                quoted.append(" '").append(part.replace("'", "'\\''")).append('\'');
            }
            full.add(quoted.toString());
        }
        ProcessBuilder builder = new ProcessBuilder(full);
        removedEnvironment.forEach(builder.environment()::remove);
        builder.environment().keySet().removeIf(name -> name.startsWith("IMDS_GUARD_"));
        builder.environment().putAll(environment);
        return new Running(builder.start());
    }

    /**
     * A representative slice (the Java 11 and 21 client passes, failsafe property {@code
     * imds.guard.it.modes=report}): an agent JVM in another mode is skipped, saying where that mode
     * runs, so the pass still runs every client once in report mode at a third of the cost.
     */
    private void assumeModeInSlice() {
        String modes = System.getProperty("imds.guard.it.modes", "");
        if (modes.isEmpty() || !withAgent) {
            return;
        }
        java.util.regex.Matcher mode =
                java.util.regex.Pattern.compile("(?:^|,)mode=([a-z]+)")
                        .matcher(agentArguments == null ? "" : agentArguments);
        String running = mode.find() ? mode.group(1) : "report";
        org.junit.jupiter.api.Assumptions.assumeTrue(
                List.of(modes.split(",")).contains(running),
                () ->
                        "this pass"
                                + " on Java "
                                + AppJava.feature(javaHome)
                                + " is a slice of modes "
                                + modes
                                + "; mode="
                                + running
                                + " runs in the full passes (Java 8, 17, 25)");
    }

    /** A JVM that is still running. */
    public static final class Running {
        private final Process process;
        private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        private final Thread outPump;
        private final Thread errPump;

        Running(Process process) {
            this.process = process;
            this.outPump = pump(process.getInputStream(), stdout);
            this.errPump = pump(process.getErrorStream(), stderr);
        }

        public long pid() {
            return process.pid();
        }

        /** Waits until standard output contains {@code text}, or fails after the timeout. */
        public void awaitStdout(String text) throws InterruptedException {
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!stdout().contains(text)) {
                if (!process.isAlive() && !stdout().contains(text)) {
                    throw new AssertionError(
                            "the JVM exited before printing '"
                                    + text
                                    + "':\n"
                                    + stdout()
                                    + "\n"
                                    + stderr());
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "timed out waiting for '" + text + "':\n" + stdout() + "\n" + stderr());
                }
                Thread.sleep(20);
            }
        }

        /**
         * Sends a command to a {@link io.imdsguard.it.apps.StepApp}-style program and returns its
         * answer line, once the program has printed the {@code ok} that ends it.
         */
        public String step(String command) throws IOException, InterruptedException {
            long before = stdoutLines().stream().filter("ok"::equals).count();
            sendLine(command);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (stdoutLines().stream().filter("ok"::equals).count() == before) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError(
                            "no answer to '" + command + "':\n" + stdout() + "\n" + stderr());
                }
                Thread.sleep(10);
            }
            List<String> lines = stdoutLines();
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith(command + ": ")) {
                    return lines.get(i).substring(command.length() + 2);
                }
            }
            throw new AssertionError("no result line for '" + command + "':\n" + stdout());
        }

        private List<String> stdoutLines() {
            return JvmResult.lines(stdout());
        }

        /** Sends a line to the JVM's standard input. */
        public void sendLine(String line) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        public JvmResult finish() throws InterruptedException {
            try {
                process.getOutputStream().close();
            } catch (IOException ignored) {
                // already gone
            }
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                outPump.join(5000);
                errPump.join(5000);
                throw new AssertionError(
                        "the JVM did not exit within "
                                + TIMEOUT
                                + ":\n"
                                + stdout()
                                + "\n"
                                + stderr());
            }
            outPump.join(10_000);
            errPump.join(10_000);
            return new JvmResult(process.exitValue(), stdout(), stderr());
        }

        public String stdout() {
            synchronized (stdout) {
                return stdout.toString(StandardCharsets.UTF_8);
            }
        }

        public String stderr() {
            synchronized (stderr) {
                return stderr.toString(StandardCharsets.UTF_8);
            }
        }

        private static Thread pump(InputStream in, ByteArrayOutputStream out) {
            Thread thread =
                    new Thread(
                            () -> {
                                byte[] buffer = new byte[8192];
                                try {
                                    int read;
                                    while ((read = in.read(buffer)) > 0) {
                                        synchronized (out) {
                                            out.write(buffer, 0, read);
                                        }
                                    }
                                } catch (IOException ignored) {
                                    // the process ended
                                }
                            },
                            "jvm-output-pump");
            thread.setDaemon(true);
            thread.start();
            return thread;
        }
    }

    /** Where the build put the artifacts under test. */
    public static final class Artifacts {
        private Artifacts() {}

        public static Path agentJar() {
            return existing("imds.guard.it.agent.jar");
        }

        public static Path demoJar() {
            return existing("imds.guard.it.demo.jar");
        }

        private static Path existing(String property) {
            String value = System.getProperty(property);
            if (value == null) {
                throw new IllegalStateException(
                        "system property "
                                + property
                                + " is not set; run the tests with mvn verify");
            }
            Path path = Paths.get(value).toAbsolutePath().normalize();
            if (!path.toFile().isFile()) {
                throw new IllegalStateException(
                        path + " does not exist; run mvn verify from the project root");
            }
            return path;
        }
    }
}
