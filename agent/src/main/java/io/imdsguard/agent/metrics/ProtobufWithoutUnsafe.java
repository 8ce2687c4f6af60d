package io.imdsguard.agent.metrics;

import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;

import java.lang.instrument.Instrumentation;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.none;

/**
 * Keeps the protobuf runtime that the agent bundles for OTLP away from {@code sun.misc.Unsafe}. On
 * JDK 24 and later its first memory access prints four {@code WARNING} lines into the application's
 * standard error (JEP 498), which an agent must not do. Protobuf runs without Unsafe when it finds
 * none, slightly slower, which for one small message a minute is nothing; so the bundled copy's
 * {@code UnsafeUtil.getUnsafe()} is made to find none. The application's own protobuf, if any, is
 * another class and is left alone.
 */
final class ProtobufWithoutUnsafe {

    /* Relocated with protobuf by the shade plugin, so it names the agent's copy only. */
    private static final String UNSAFE_UTIL = "com.google.protobuf.UnsafeUtil";

    private ProtobufWithoutUnsafe() {
    }

    /** Must run before the bundled protobuf is first used. */
    static void install(Instrumentation instrumentation) {
        new AgentBuilder.Default()
                .disableClassFormatChanges()
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .ignore(none())
                .type(named(UNSAFE_UTIL))
                .transform(new AgentBuilder.Transformer.ForAdvice()
                        .include(ProtobufWithoutUnsafe.class.getClassLoader())
                        .advice(named("getUnsafe"), NoUnsafe.class.getName()))
                .installOn(instrumentation);
    }

    /**
     * Advice on {@code UnsafeUtil.getUnsafe()}: its body is skipped (the body itself probes Unsafe,
     * which is what warns), so it returns null: there is no Unsafe.
     */
    static final class NoUnsafe {
        private NoUnsafe() {
        }

        @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
        static boolean skipBody() {
            return true;
        }
    }
}
