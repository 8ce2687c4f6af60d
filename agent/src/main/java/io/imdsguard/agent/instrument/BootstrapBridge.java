package io.imdsguard.agent.instrument;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

/**
 * Makes the bridge classes visible from the bootstrap loader, so that advice woven into JDK classes
 * (bootstrap and platform loaders) can call them. Only the bridge classes go there; Byte Buddy and
 * Micrometer stay in the agent's own loader.
 *
 * <p>The classes are defined directly in the bootstrap loader where the JDK allows it. Appending a
 * jar to the bootstrap class path, the fallback, makes the JVM print a warning and turn class data
 * sharing off for the application's classes, which costs start-up time.
 *
 * <p>Must run before anything in the agent refers to a bridge class, or the application loader
 * would define its own copy; hence the class names are strings here.
 */
public final class BootstrapBridge {

    static final String[] BRIDGE_CLASSES = {
        "io.imdsguard.bootstrap.ImdsRequestListener",
        "io.imdsguard.bootstrap.ImdsBridge",
        "io.imdsguard.bootstrap.RelayHeaders",
    };

    private BootstrapBridge() {}

    /**
     * @return how the bridge was installed, for the debug log
     */
    public static String install(Instrumentation instrumentation) throws IOException {
        Map<String, byte[]> classes = new LinkedHashMap<String, byte[]>();
        for (String name : BRIDGE_CLASSES) {
            classes.put(name, classBytes(name));
        }
        try {
            if (isJava9OrLater()) {
                defineThroughIsolatedLoader(instrumentation, classes);
            } else {
                defineThroughSunMiscUnsafe(classes);
            }
            return "defined in the bootstrap loader";
        } catch (Throwable unavailable) {
            appendJar(instrumentation, classes);
            return "appended to the bootstrap class path (" + unavailable + ")";
        }
    }

    private static boolean isJava9OrLater() {
        try {
            Class.forName("java.lang.Module");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * JDK 9+: the definer runs in a loader of its own, the only module granted jdk.internal.misc.
     */
    private static void defineThroughIsolatedLoader(
            Instrumentation instrumentation, Map<String, byte[]> classes) throws Exception {
        String definerName = BootstrapDefiner.class.getName();
        IsolatedLoader loader = new IsolatedLoader();
        Class<?> definer = loader.define(definerName, classBytes(definerName));
        Class<?> moduleType = Class.forName("java.lang.Module");
        Method getModule = Class.class.getMethod("getModule");
        Object javaBase = getModule.invoke(Object.class);
        Object definerModule = getModule.invoke(definer);
        Method redefineModule =
                Instrumentation.class.getMethod(
                        "redefineModule",
                        moduleType,
                        Set.class,
                        Map.class,
                        Map.class,
                        Set.class,
                        Map.class);
        redefineModule.invoke(
                instrumentation,
                javaBase,
                Collections.emptySet(),
                Collections.singletonMap("jdk.internal.misc", Collections.singleton(definerModule)),
                Collections.emptyMap(),
                Collections.emptySet(),
                Collections.emptyMap());
        Method define = definer.getMethod("define", String.class, byte[].class);
        for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
            define.invoke(null, entry.getKey(), entry.getValue());
        }
    }

    /** Java 8 has no modules, and sun.misc.Unsafe can still define classes there. */
    private static void defineThroughSunMiscUnsafe(Map<String, byte[]> classes) throws Exception {
        Class<?> unsafeType = Class.forName("sun.misc.Unsafe");
        Field theUnsafe = unsafeType.getDeclaredField("theUnsafe");
        theUnsafe.setAccessible(true);
        Object unsafe = theUnsafe.get(null);
        Method defineClass =
                unsafeType.getMethod(
                        "defineClass",
                        String.class,
                        byte[].class,
                        int.class,
                        int.class,
                        ClassLoader.class,
                        java.security.ProtectionDomain.class);
        for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
            defineClass.invoke(
                    unsafe,
                    entry.getKey(),
                    entry.getValue(),
                    0,
                    entry.getValue().length,
                    null,
                    null);
        }
    }

    private static void appendJar(Instrumentation instrumentation, Map<String, byte[]> classes)
            throws IOException {
        File jar = File.createTempFile("imds-guard-bootstrap-", ".jar");
        jar.deleteOnExit();
        JarOutputStream out = new JarOutputStream(new FileOutputStream(jar));
        try {
            for (Map.Entry<String, byte[]> entry : classes.entrySet()) {
                out.putNextEntry(new ZipEntry(entry.getKey().replace('.', '/') + ".class"));
                out.write(entry.getValue());
                out.closeEntry();
            }
        } finally {
            out.close();
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar, false));
    }

    private static byte[] classBytes(String className) throws IOException {
        String resource = className.replace('.', '/') + ".class";
        InputStream in = BootstrapBridge.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("the agent jar lacks " + resource);
        }
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            int read;
            while ((read = in.read(buffer)) > 0) {
                bytes.write(buffer, 0, read);
            }
            return bytes.toByteArray();
        } finally {
            in.close();
        }
    }

    /**
     * A loader with no parent of the agent's, so that what it defines sits in a module of its own.
     */
    private static final class IsolatedLoader extends ClassLoader {
        IsolatedLoader() {
            super(null);
        }

        Class<?> define(String name, byte[] bytes) {
            return defineClass(name, bytes, 0, bytes.length);
        }
    }
}
