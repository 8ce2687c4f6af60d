package io.imdsguard.agent.detect;

import java.io.File;
import java.net.URL;
import java.security.CodeSource;
import java.security.ProtectionDomain;

/**
 * Whether a class is library code by where it was loaded from: a jar that is not the application's
 * own. Classes from a directory ({@code target/classes}, {@code WEB-INF/classes}, Spring Boot's
 * {@code BOOT-INF/classes}) and from the jar that holds the JVM's main class are the application's;
 * every other jar ({@code WEB-INF/lib}, {@code BOOT-INF/lib}, the class path's dependencies) is a
 * library. Asked for frames of v1 calls only, and decided once per class.
 */
final class CodeSources {

    /**
     * Where a class came from: null for the application's code, else the library jar's location.
     */
    private static final ClassValue<String> LIBRARY =
            new ClassValue<String>() {
                @Override
                protected String computeValue(Class<?> type) {
                    try {
                        return libraryLocation(type);
                    } catch (RuntimeException | Error e) {
                        // SecurityException, a broken loader: not knowing is what the name list did
                        // before
                        return null;
                    }
                }
            };

    private CodeSources() {}

    /**
     * The location of the library jar that {@code type} came from; null for application code or
     * unknown.
     */
    static String library(Class<?> type) {
        return type == null ? null : LIBRARY.get(type);
    }

    /** The jar's file name, e.g. {@code google-http-client-1.43.3.jar}: what a user recognises. */
    static String jarName(String location) {
        String trimmed = trimmed(location);
        int slash = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('!'));
        return trimmed.substring(slash + 1);
    }

    /**
     * Where {@code type} was loaded from, jar or directory, as its code source's URL; null for the
     * JDK's own and generated classes.
     */
    static String location(Class<?> type) {
        ProtectionDomain domain = type.getProtectionDomain();
        CodeSource source = domain == null ? null : domain.getCodeSource();
        URL url = source == null ? null : source.getLocation();
        return url == null ? null : url.toString();
    }

    private static String libraryLocation(Class<?> type) {
        ProtectionDomain domain = type.getProtectionDomain();
        CodeSource source = domain == null ? null : domain.getCodeSource();
        URL url = source == null ? null : source.getLocation();
        if (url == null) {
            // the JDK's own classes, generated classes: not a jar anyone ships as a library
            return null;
        }
        String location = url.toString();
        if (!isJar(location) || location.equals(MainJar.LOCATION) || sameFile(url, MainJar.FILE)) {
            return null;
        }
        return location;
    }

    /**
     * A jar or a jar nested in one ({@code jar:file:/app.jar!/BOOT-INF/lib/x.jar!/}, {@code
     * nested:...x.jar}).
     */
    static boolean isJar(String location) {
        String trimmed = trimmed(location).toLowerCase(java.util.Locale.ROOT);
        return trimmed.endsWith(".jar") || trimmed.endsWith(".zip");
    }

    private static String trimmed(String location) {
        String text = location;
        while (text.endsWith("/") || text.endsWith("!")) {
            text = text.substring(0, text.length() - 1);
        }
        return text;
    }

    private static boolean sameFile(URL url, String mainFile) {
        if (mainFile == null || !"file".equals(url.getProtocol())) {
            return false;
        }
        try {
            return new File(url.toURI()).getCanonicalPath().equals(mainFile);
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * The jar holding the JVM's main class: {@code java -jar app.jar}, or the class path entry of
     * the main class. That jar is the application, though it is a jar like its libraries.
     */
    private static final class MainJar {
        static final String FILE;
        static final String LOCATION;

        static {
            String file = null;
            String location = null;
            try {
                String command = System.getProperty("sun.java.command", "").trim();
                String main = command.split("\\s+", 2)[0];
                if (isJar(main)) {
                    file = new File(main).getCanonicalPath();
                } else if (!main.isEmpty()) {
                    // long loaded by now: the first v1 call comes from a running application
                    Class<?> mainClass =
                            Class.forName(main, false, ClassLoader.getSystemClassLoader());
                    CodeSource source = mainClass.getProtectionDomain().getCodeSource();
                    if (source != null && source.getLocation() != null) {
                        location = source.getLocation().toString();
                    }
                }
            } catch (Exception | LinkageError e) {
                // no main jar known: every jar is then a library, directories are still the
                // application
            }
            FILE = file;
            LOCATION = location;
        }
    }
}
