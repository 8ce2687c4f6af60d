package io.imdsguard.agent.instrument;

import io.imdsguard.agent.log.AgentLog;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
import java.util.HashMap;
import java.util.Map;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.MethodGraph;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.implementation.Implementation;
import net.bytebuddy.pool.TypePool;

/**
 * Weaves the classes it is given by name with their advice: the HTTP clients' classes, and the
 * bundled protobuf's {@code UnsafeUtil}. Classes are picked by name alone, so this uses Byte
 * Buddy's type builder directly, not its {@code AgentBuilder}: that one's transformer generates and
 * loads a class of its own when first used (to receive the Java 9 module argument), which was most
 * of the agent's set-up time at the first client class, and it matches every class the JVM loads.
 *
 * <p>Advice is inlined into the class as it is, so the class's format never changes: that is what
 * lets the JDK's clients, loaded before the agent starts, be retransformed. Hence decoration, no
 * auxiliary types, and a method graph of the declared methods only (advice applies to nothing
 * else).
 */
public final class AdviceWeaver implements ClassFileTransformer {

    /** By internal name ({@code java/net/Socket}), as the JVM names a class being loaded. */
    private final Map<String, AgentBuilder.Transformer> transformers =
            new HashMap<String, AgentBuilder.Transformer>();

    private final ByteBuddy byteBuddy =
            new ByteBuddy()
                    .with(TypeValidation.DISABLED)
                    .with(MethodGraph.Compiler.ForDeclaredMethods.INSTANCE)
                    .with(Implementation.Context.Disabled.Factory.INSTANCE);
    private final Instrumentation instrumentation;
    private final AgentLog log;
    private final String ifNotWoven;

    /**
     * @param instrumentation lets a woven class's named module read the bridge's; null where no
     *     class of a named module is woven
     * @param transformers by class name ({@code java.net.Socket})
     * @param ifNotWoven what a class that cannot be woven means for the user, for the message
     */
    public AdviceWeaver(
            Instrumentation instrumentation,
            Map<String, ? extends AgentBuilder.Transformer> transformers,
            AgentLog log,
            String ifNotWoven) {
        this.instrumentation = instrumentation;
        this.log = log;
        this.ifNotWoven = ifNotWoven;
        for (Map.Entry<String, ? extends AgentBuilder.Transformer> each : transformers.entrySet()) {
            this.transformers.put(each.getKey().replace('.', '/'), each.getValue());
        }
    }

    /**
     * @return the woven class, or null to leave it as it is (not a class named here, or weaving
     *     failed)
     */
    @Override
    public byte[] transform(
            ClassLoader loader,
            String internalName,
            Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain,
            byte[] classfileBuffer) {
        AgentBuilder.Transformer transformer =
                internalName == null ? null : transformers.get(internalName);
        if (transformer == null) {
            return null;
        }
        String typeName = internalName.replace('/', '.');
        try {
            ClassFileLocator locator =
                    new ClassFileLocator.Compound(
                            ClassFileLocator.Simple.of(typeName, classfileBuffer),
                            ClassFileLocator.ForClassLoader.of(loader));
            TypePool types = TypePool.Default.WithLazyResolution.of(locator);
            TypeDescription type = types.describe(typeName).resolve();
            DynamicType.Builder<?> builder =
                    transformer.transform(
                            byteBuddy.decorate(type, locator),
                            type,
                            loader,
                            null,
                            protectionDomain);
            byte[] woven = builder.make(types).getBytes();
            // Before the class is defined: its first request may come right after.
            if (instrumentation != null) {
                ClassModules.letReadBridge(
                        instrumentation, loader, internalName, classBeingRedefined);
            }
            log.debug("instrumented " + typeName);
            return woven;
        } catch (Throwable t) {
            log.once(
                    "transform:" + typeName,
                    "could not instrument "
                            + typeName
                            + " ("
                            + ifNotWoven
                            + "; the application is unaffected): "
                            + t);
            return null;
        }
    }
}
