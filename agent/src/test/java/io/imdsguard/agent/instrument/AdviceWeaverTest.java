package io.imdsguard.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.agent.log.AgentLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.dynamic.ClassFileLocator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class AdviceWeaverTest {

    @TempDir Path dir;

    private Path logFile;
    private AdviceWeaver weaver;

    @BeforeEach
    void setUp() throws Exception {
        logFile = dir.resolve("agent.log");
        AgentLog log = AgentLog.open(logFile.toString(), true);
        ClientDescription client =
                ClientDescription.client("test-client")
                        .watches(Target.class.getName())
                        .libraryFrames()
                        .isBackstop()
                        .instrumentedBy(TestClient.class.getName())
                        .testedBy(AdviceWeaverTest.class.getName())
                        .build();
        weaver =
                new AdviceWeaver(
                        null,
                        Instrumentations.transformers(Collections.singletonList(client)),
                        log,
                        "its requests are not seen");
        Calls.count = 0;
    }

    @Test
    void theNamedClassGetsItsClientsAdviceOnTheHookedMethodOnly() throws Exception {
        byte[] woven =
                weaver.transform(
                        getClass().getClassLoader(),
                        internalName(Target.class),
                        null,
                        null,
                        ClassFileLocator.ForClassLoader.read(Target.class));

        assertNotNull(woven, "the client class is woven");
        Object target =
                new WovenLoader(Target.class.getName(), woven)
                        .loadClass(Target.class.getName())
                        .getConstructor()
                        .newInstance();
        assertEquals(
                "hello",
                target.getClass().getMethod("greet").invoke(target),
                "the method still does its work");
        assertEquals(1, Calls.count, "the advice ran once, at the hooked method's start");
        assertEquals("other", target.getClass().getMethod("other").invoke(target));
        assertEquals(1, Calls.count, "a method the client does not hook is left alone");
        assertEquals(
                Collections.singletonList(
                        "[imds-guard] debug: instrumented " + Target.class.getName()),
                log());
    }

    @Test
    void aClassNoClientNamesIsLeftAsItIs() throws Exception {
        assertNull(
                weaver.transform(
                        getClass().getClassLoader(),
                        internalName(AdviceWeaverTest.class),
                        null,
                        null,
                        ClassFileLocator.ForClassLoader.read(AdviceWeaverTest.class)));
        assertNull(
                weaver.transform(null, null, null, null, new byte[0]), "the JVM may pass no name");
    }

    @Test
    void aClassThatCannotBeWovenIsLeftAsItIsWithOneMessage() throws Exception {
        byte[] broken = {(byte) 0xca, (byte) 0xfe, (byte) 0xba, (byte) 0xbe, 0, 0};

        assertNull(
                weaver.transform(
                        getClass().getClassLoader(),
                        internalName(Target.class),
                        null,
                        null,
                        broken));
        assertNull(
                weaver.transform(
                        getClass().getClassLoader(),
                        internalName(Target.class),
                        null,
                        null,
                        broken));

        List<String> lines = log();
        assertEquals(1, lines.size(), "said once, however often the class is offered: " + lines);
        assertTrue(
                lines.get(0)
                        .contains(
                                "could not instrument "
                                        + Target.class.getName()
                                        + " (its requests are not seen; the application is unaffected)"),
                lines.get(0));
    }

    private List<String> log() throws IOException {
        return Files.readAllLines(logFile, StandardCharsets.UTF_8);
    }

    private static String internalName(Class<?> type) {
        return type.getName().replace('.', '/');
    }

    /** Stands for an HTTP client's class. Public: the woven copy lives in another loader. */
    public static class Target {
        public String greet() {
            return "hello";
        }

        public String other() {
            return "other";
        }
    }

    /** What the inlined advice counts into; public for the same reason. */
    public static class Calls {
        public static int count;
    }

    public static class CountingAdvice {
        @Advice.OnMethodEnter
        static void enter() {
            Calls.count++;
        }
    }

    /** Made by its description, by name. */
    public static final class TestClient implements ClientInstrumentation {
        @Override
        public String client() {
            return "test-client";
        }

        @Override
        public AgentBuilder.Transformer transformer() {
            return AdviceHooks.of(client(), CountingAdvice.class.getClassLoader())
                    .advice(named("greet"), CountingAdvice.class.getName());
        }
    }

    /** Defines one class from the given bytes, and leaves every other class to its parent. */
    private static final class WovenLoader extends ClassLoader {
        private final String name;
        private final byte[] bytes;

        WovenLoader(String name, byte[] bytes) {
            super(AdviceWeaverTest.class.getClassLoader());
            this.name = name;
            this.bytes = bytes;
        }

        @Override
        protected Class<?> loadClass(String className, boolean resolve)
                throws ClassNotFoundException {
            if (!className.equals(name)) {
                return super.loadClass(className, resolve);
            }
            synchronized (getClassLoadingLock(className)) {
                Class<?> loaded = findLoadedClass(className);
                return loaded != null ? loaded : defineClass(className, bytes, 0, bytes.length);
            }
        }
    }
}
