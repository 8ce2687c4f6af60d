package io.imdsguard.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.named;

import io.imdsguard.agent.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.Collections;
import net.bytebuddy.asm.Advice;

/**
 * Keeps the protobuf runtime that the agent bundles for OTLP away from {@code sun.misc.Unsafe}. On
 * JDK 24 and later its first memory access prints four {@code WARNING} lines into the application's
 * standard error (JEP 498), which an agent must not do. Protobuf runs without Unsafe when it finds
 * none, slightly slower, which for one small message a minute is nothing; so the bundled copy's
 * {@code UnsafeUtil.getUnsafe()} is made to find none. The application's own protobuf, if any, is
 * another class and is left alone.
 */
public final class ProtobufWithoutUnsafe {

    /* Relocated with protobuf by the shade plugin, so it names the agent's copy only. */
    private static final String UNSAFE_UTIL = "com.google.protobuf.UnsafeUtil";

    private ProtobufWithoutUnsafe() {}

    /** Must run before the bundled protobuf is first used. */
    public static void install(Instrumentation instrumentation, AgentLog log) {
        instrumentation.addTransformer(
                new UntilLoaded(
                        instrumentation,
                        new AdviceWeaver(
                                null,
                                Collections.singletonMap(
                                        UNSAFE_UTIL,
                                        AdviceHooks.of(
                                                        "protobuf",
                                                        ProtobufWithoutUnsafe.class
                                                                .getClassLoader())
                                                .advice(
                                                        named("getUnsafe"),
                                                        NoUnsafe.class.getName())),
                                log,
                                "on JDK 24+ the JVM may warn about sun.misc.Unsafe")),
                false);
    }

    /**
     * Weaves {@code UnsafeUtil} and then leaves: a class is loaded once, and every class the JVM
     * loads after it would otherwise still be handed to this transformer.
     */
    static final class UntilLoaded implements ClassFileTransformer {
        private static final String INTERNAL_NAME = UNSAFE_UTIL.replace('.', '/');

        private final Instrumentation instrumentation;
        private final AdviceWeaver weaver;

        UntilLoaded(Instrumentation instrumentation, AdviceWeaver weaver) {
            this.instrumentation = instrumentation;
            this.weaver = weaver;
        }

        @Override
        public byte[] transform(
                ClassLoader loader,
                String internalName,
                Class<?> classBeingRedefined,
                ProtectionDomain protectionDomain,
                byte[] classfileBuffer) {
            if (!INTERNAL_NAME.equals(internalName)) {
                return null;
            }
            // Woven or not (the weaver reports a failure itself), this class does not come again.
            instrumentation.removeTransformer(this);
            return weaver.transform(
                    loader, internalName, classBeingRedefined, protectionDomain, classfileBuffer);
        }
    }

    /**
     * Advice on {@code UnsafeUtil.getUnsafe()}: its body is skipped (the body itself probes Unsafe,
     * which is what warns), so it returns null: there is no Unsafe.
     */
    static final class NoUnsafe {
        private NoUnsafe() {}

        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static boolean skipBody() {
            return true;
        }
    }
}
