package io.imdsguard.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.agent.log.AgentLog;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Byte Buddy is set up at the first client class, once, and never for other classes. */
class DeferredInstrumentationTest {

    private static final List<String> CLIENT_TYPES =
            Arrays.asList(
                    "okhttp3.OkHttpClient",
                    "reactor.netty.http.client.HttpClientConnect$MonoHttpConnect");
    private static final byte[] WOVEN = {1, 2, 3};

    @TempDir Path dir;

    /**
     * Stands in for Byte Buddy's transformer: counts how often it is built and hands back marked
     * bytes.
     */
    private static class CountingBuilder implements DeferredInstrumentation.Builder {
        final AtomicInteger builds = new AtomicInteger();
        final AgentLog log;

        CountingBuilder(AgentLog log) {
            this.log = log;
        }

        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public AgentLog log() {
            return log;
        }

        @Override
        public ClassFileTransformer build() {
            builds.incrementAndGet();
            return new ClassFileTransformer() {
                @Override
                public byte[] transform(
                        ClassLoader loader,
                        String name,
                        Class<?> redefined,
                        ProtectionDomain domain,
                        byte[] bytes) {
                    return WOVEN;
                }
            };
        }
    }

    @Test
    void otherClassesNeverSetUpByteBuddy() {
        CountingBuilder builder = new CountingBuilder(log("a.log"));
        DeferredInstrumentation deferred = new DeferredInstrumentation(CLIENT_TYPES, builder);

        assertNull(deferred.transform(null, "com/example/Service", null, null, new byte[0]));
        assertNull(
                deferred.transform(null, "okhttp3/OkHttpClient$Builder", null, null, new byte[0]));
        assertNull(
                deferred.transform(null, null, null, null, new byte[0]),
                "a hidden class has no name");
        assertEquals(0, builder.builds.get());
    }

    @Test
    void theFirstClientClassSetsItUpOnceAndEveryClientClassIsHandedToIt() {
        CountingBuilder builder = new CountingBuilder(log("b.log"));
        DeferredInstrumentation deferred = new DeferredInstrumentation(CLIENT_TYPES, builder);

        assertArrayEquals(
                WOVEN, deferred.transform(null, "okhttp3/OkHttpClient", null, null, new byte[0]));
        assertArrayEquals(
                WOVEN,
                deferred.transform(
                        null,
                        "reactor/netty/http/client/HttpClientConnect$MonoHttpConnect",
                        null,
                        null,
                        new byte[0]));
        assertEquals(1, builder.builds.get());
    }

    @Test
    void aSetUpThatFailsIsSaidOnceAndNotTriedAgain() throws IOException {
        final AtomicInteger attempts = new AtomicInteger();
        DeferredInstrumentation deferred =
                new DeferredInstrumentation(
                        CLIENT_TYPES,
                        new CountingBuilder(log("c.log")) {
                            @Override
                            public ClassFileTransformer build() {
                                attempts.incrementAndGet();
                                throw new IllegalStateException("no Byte Buddy today");
                            }
                        });

        assertNull(deferred.transform(null, "okhttp3/OkHttpClient", null, null, new byte[0]));
        assertNull(deferred.transform(null, "okhttp3/OkHttpClient", null, null, new byte[0]));

        assertEquals(1, attempts.get());
        List<String> lines = Files.readAllLines(dir.resolve("c.log"), StandardCharsets.UTF_8);
        assertEquals(1, lines.size(), lines.toString());
        assertTrue(
                lines.get(0).contains("could not set up the instrumentation")
                        && lines.get(0).contains("no Byte Buddy today"),
                lines.get(0));
    }

    /**
     * A client class loaded by the set-up itself, on the same thread, is left alone rather than
     * deadlocking.
     */
    @Test
    void aClientClassLoadedWhileSettingUpIsLeftAlone() {
        final AtomicReference<DeferredInstrumentation> self =
                new AtomicReference<DeferredInstrumentation>();
        final AtomicReference<byte[]> nested = new AtomicReference<byte[]>(WOVEN);
        DeferredInstrumentation deferred =
                new DeferredInstrumentation(
                        CLIENT_TYPES,
                        new CountingBuilder(log("d.log")) {
                            @Override
                            public ClassFileTransformer build() {
                                nested.set(
                                        self.get()
                                                .transform(
                                                        null,
                                                        "okhttp3/OkHttpClient",
                                                        null,
                                                        null,
                                                        new byte[0]));
                                return super.build();
                            }
                        });
        self.set(deferred);

        assertArrayEquals(
                WOVEN,
                deferred.transform(
                        null,
                        "reactor/netty/http/client/HttpClientConnect$MonoHttpConnect",
                        null,
                        null,
                        new byte[0]));
        assertNull(nested.get());
    }

    /**
     * While the agent is not ready (still starting, on its own start thread, or off) a client class
     * is left alone and nothing is built; once it is, the next client class sets Byte Buddy up.
     */
    @Test
    void aClientClassLoadedBeforeTheAgentIsReadyIsLeftAloneAndTheNextOneIsWoven() {
        final AtomicBoolean ready = new AtomicBoolean(false);
        CountingBuilder builder =
                new CountingBuilder(log("e.log")) {
                    @Override
                    public boolean ready() {
                        return ready.get();
                    }
                };
        DeferredInstrumentation deferred = new DeferredInstrumentation(CLIENT_TYPES, builder);

        assertNull(deferred.transform(null, "okhttp3/OkHttpClient", null, null, new byte[0]));
        assertEquals(0, builder.builds.get());

        ready.set(true);
        assertArrayEquals(
                WOVEN, deferred.transform(null, "okhttp3/OkHttpClient", null, null, new byte[0]));
        assertEquals(1, builder.builds.get());
    }

    private AgentLog log(String name) {
        return AgentLog.open(dir.resolve(name).toString(), false);
    }
}
