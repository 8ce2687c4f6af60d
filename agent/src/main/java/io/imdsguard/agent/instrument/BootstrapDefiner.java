package io.imdsguard.agent.instrument;

import java.lang.reflect.Method;

/**
 * Defines a class in the bootstrap loader through {@code jdk.internal.misc.Unsafe}. This class is
 * never used from the agent's own loader: {@link BootstrapBridge} loads a copy of it into a
 * throwaway class loader, and only that loader's module is granted access to {@code
 * jdk.internal.misc}, so the application's classes gain no access to JDK internals.
 */
public final class BootstrapDefiner {

    private BootstrapDefiner() {}

    public static void define(String name, byte[] bytes) throws Exception {
        Class<?> unsafeType = Class.forName("jdk.internal.misc.Unsafe");
        Object unsafe = unsafeType.getMethod("getUnsafe").invoke(null);
        Method defineClass =
                unsafeType.getMethod(
                        "defineClass",
                        String.class,
                        byte[].class,
                        int.class,
                        int.class,
                        ClassLoader.class,
                        java.security.ProtectionDomain.class);
        defineClass.invoke(unsafe, name, bytes, 0, bytes.length, null, null);
    }
}
