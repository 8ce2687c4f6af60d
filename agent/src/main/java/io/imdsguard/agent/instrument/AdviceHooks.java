package io.imdsguard.agent.instrument;

import io.imdsguard.agent.log.AgentLog;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

/**
 * Byte Buddy's advice transformer, plus one debug line when a class matched by name has none of the
 * methods a client's advice hooks: a library version outside the tested range is then left alone,
 * and the user can see why its requests are not reported. Never a failure.
 */
public final class AdviceHooks implements AgentBuilder.Transformer {

    private static volatile AgentLog log;
    private static final Set<String> REPORTED = ConcurrentHashMap.newKeySet();

    private final String client;
    private final AgentBuilder.Transformer.ForAdvice advice;
    private final ElementMatcher.Junction<MethodDescription> hooked;

    private AdviceHooks(
            String client,
            AgentBuilder.Transformer.ForAdvice advice,
            ElementMatcher.Junction<MethodDescription> hooked) {
        this.client = client;
        this.advice = advice;
        this.hooked = hooked;
    }

    /** Advice classes are found through {@code adviceLoader}: the agent's, not the target's. */
    public static AdviceHooks of(String client, ClassLoader adviceLoader) {
        return new AdviceHooks(
                client,
                new AgentBuilder.Transformer.ForAdvice().include(adviceLoader),
                ElementMatchers.<MethodDescription>none());
    }

    static void logTo(AgentLog agentLog) {
        log = agentLog;
    }

    public AdviceHooks advice(
            ElementMatcher<? super MethodDescription> methods, String adviceClass) {
        return new AdviceHooks(client, advice.advice(methods, adviceClass), hooked.or(methods));
    }

    @Override
    public DynamicType.Builder<?> transform(
            DynamicType.Builder<?> builder,
            TypeDescription type,
            ClassLoader classLoader,
            JavaModule module,
            ProtectionDomain protectionDomain) {
        if (type.getDeclaredMethods().filter(hooked).isEmpty()) {
            AgentLog current = log;
            if (current != null && REPORTED.add(client + ':' + type.getName())) {
                current.debug(
                        client
                                + ": "
                                + type.getName()
                                + " has none of the methods imds-guard hooks"
                                + " (a version outside the tested range?); its requests are not seen");
            }
            return builder;
        }
        return advice.transform(builder, type, classLoader, module, protectionDomain);
    }
}
