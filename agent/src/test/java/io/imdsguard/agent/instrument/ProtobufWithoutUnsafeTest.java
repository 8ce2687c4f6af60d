package io.imdsguard.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.agent.log.AgentLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.dynamic.ClassFileLocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ProtobufWithoutUnsafeTest {

    @TempDir Path dir;

    private final List<ClassFileTransformer> added = new ArrayList<ClassFileTransformer>();
    private final List<ClassFileTransformer> removed = new ArrayList<ClassFileTransformer>();

    @Test
    void theTransformerWeavesUnsafeUtilAndThenLeavesTheJvmsClassLoading() throws Exception {
        ProtobufWithoutUnsafe.install(
                recordingInstrumentation(),
                AgentLog.open(dir.resolve("agent.log").toString(), false));
        assertEquals(1, added.size(), "one transformer registered");
        ClassFileTransformer transformer = added.get(0);
        ClassLoader loader = getClass().getClassLoader();

        assertNull(
                transformer.transform(
                        loader,
                        "java/lang/String",
                        null,
                        null,
                        ClassFileLocator.ForClassLoader.read(String.class)),
                "any other class is left alone");
        assertTrue(removed.isEmpty(), "still registered until UnsafeUtil goes by");

        Class<?> unsafeUtil = Class.forName("com.google.protobuf.UnsafeUtil", false, loader);
        byte[] woven =
                transformer.transform(
                        loader,
                        "com/google/protobuf/UnsafeUtil",
                        null,
                        null,
                        ClassFileLocator.ForClassLoader.read(unsafeUtil));

        assertNotNull(woven, "UnsafeUtil is woven");
        assertEquals(1, removed.size(), "and the transformer removed itself");
        assertSame(transformer, removed.get(0));

        // What the weaving changed: the woven class finds no Unsafe, so protobuf takes its safe
        // path;
        // the same class unwoven, in the same kind of loader, finds it.
        byte[] original = ClassFileLocator.ForClassLoader.read(unsafeUtil);
        assertNotNull(
                call(new ProtobufLoader(loader, original), "getUnsafe"),
                "unwoven, protobuf finds Unsafe here");
        assertNull(
                call(new ProtobufLoader(loader, woven), "getUnsafe"),
                "woven, getUnsafe() finds none");
        assertEquals(
                false,
                call(new ProtobufLoader(loader, woven), "hasUnsafeArrayOperations"),
                "so protobuf uses no Unsafe memory access");
    }

    /** Runs a static no-argument method of the UnsafeUtil that {@code loader} defines. */
    private static Object call(ClassLoader loader, String method) throws Exception {
        Method target =
                Class.forName("com.google.protobuf.UnsafeUtil", true, loader)
                        .getDeclaredMethod(method);
        target.setAccessible(true);
        return target.invoke(null);
    }

    /**
     * Defines protobuf's classes afresh (so UnsafeUtil and its package-private helpers share one
     * runtime package), with UnsafeUtil from the given bytes; everything else comes from the
     * parent.
     */
    private static final class ProtobufLoader extends ClassLoader {
        private final byte[] unsafeUtil;

        ProtobufLoader(ClassLoader parent, byte[] unsafeUtil) {
            super(parent);
            this.unsafeUtil = unsafeUtil;
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.startsWith("com.google.protobuf.")) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded == null) {
                    byte[] bytes =
                            name.equals("com.google.protobuf.UnsafeUtil")
                                    ? unsafeUtil
                                    : bytesOf(name);
                    loaded = defineClass(name, bytes, 0, bytes.length);
                }
                return loaded;
            }
        }

        private byte[] bytesOf(String name) throws ClassNotFoundException {
            try (InputStream in =
                    getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                if (in == null) {
                    throw new ClassNotFoundException(name);
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] buffer = new byte[8192];
                for (int read; (read = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, read);
                }
                return out.toByteArray();
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }

    private Instrumentation recordingInstrumentation() {
        return (Instrumentation)
                Proxy.newProxyInstance(
                        getClass().getClassLoader(),
                        new Class<?>[] {Instrumentation.class},
                        (proxy, method, args) -> {
                            if (method.getName().equals("addTransformer")) {
                                added.add((ClassFileTransformer) args[0]);
                                return null;
                            }
                            if (method.getName().equals("removeTransformer")) {
                                removed.add((ClassFileTransformer) args[0]);
                                return true;
                            }
                            throw new UnsupportedOperationException(method.getName());
                        });
    }
}
