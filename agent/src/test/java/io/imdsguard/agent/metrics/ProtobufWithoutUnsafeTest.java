package io.imdsguard.agent.metrics;

import io.imdsguard.agent.report.AgentLog;
import net.bytebuddy.dynamic.ClassFileLocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class ProtobufWithoutUnsafeTest {

    @TempDir
    Path dir;

    private final List<ClassFileTransformer> added = new ArrayList<ClassFileTransformer>();
    private final List<ClassFileTransformer> removed = new ArrayList<ClassFileTransformer>();

    @Test
    void theTransformerWeavesUnsafeUtilAndThenLeavesTheJvmsClassLoading() throws Exception {
        ProtobufWithoutUnsafe.install(recordingInstrumentation(), AgentLog.open(dir.resolve("agent.log").toString(), false));
        assertEquals(1, added.size(), "one transformer registered");
        ClassFileTransformer transformer = added.get(0);
        ClassLoader loader = getClass().getClassLoader();

        assertNull(transformer.transform(loader, "java/lang/String", null, null,
                ClassFileLocator.ForClassLoader.read(String.class)), "any other class is left alone");
        assertTrue(removed.isEmpty(), "still registered until UnsafeUtil goes by");

        Class<?> unsafeUtil = Class.forName("com.google.protobuf.UnsafeUtil", false, loader);
        byte[] woven = transformer.transform(loader, "com/google/protobuf/UnsafeUtil", null, null,
                ClassFileLocator.ForClassLoader.read(unsafeUtil));

        assertNotNull(woven, "UnsafeUtil is woven");
        assertEquals(1, removed.size(), "and the transformer removed itself");
        assertSame(transformer, removed.get(0));
    }

    private Instrumentation recordingInstrumentation() {
        return (Instrumentation) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Instrumentation.class},
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
