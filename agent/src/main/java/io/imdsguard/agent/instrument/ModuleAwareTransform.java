package io.imdsguard.agent.instrument;

import io.imdsguard.bootstrap.ImdsBridge;

import java.lang.instrument.ClassFileTransformer;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.Set;

/**
 * Hands a class to Byte Buddy's transformer together with its module, as the JVM itself would on
 * Java 9+. {@link DeferredInstrumentation} is Java 8 code and receives no module, but Byte Buddy
 * needs it to let a class in a named module (the JDK's clients in {@code java.base} and
 * {@code java.net.http}) read the bridge's module, or the woven advice could not call the bridge.
 * Java 9 types are reached through reflection; this runs only for the few client classes.
 */
final class ModuleAwareTransform {

    private static final Method TRANSFORM_WITH_MODULE;
    private static final Method GET_MODULE;
    private static final Method UNNAMED_MODULE;
    private static final Method BOOT_LAYER;
    private static final Method LAYER_MODULES;
    private static final Method MODULE_LOADER;
    private static final Method MODULE_PACKAGES;

    static {
        Method transform = null;
        Method getModule = null;
        Method unnamed = null;
        Method boot = null;
        Method modules = null;
        Method loader = null;
        Method packages = null;
        try {
            Class<?> module = Class.forName("java.lang.Module");
            Class<?> layer = Class.forName("java.lang.ModuleLayer");
            transform = ClassFileTransformer.class.getMethod("transform", module, ClassLoader.class, String.class,
                    Class.class, ProtectionDomain.class, byte[].class);
            getModule = Class.class.getMethod("getModule");
            unnamed = ClassLoader.class.getMethod("getUnnamedModule");
            boot = layer.getMethod("boot");
            modules = layer.getMethod("modules");
            loader = module.getMethod("getClassLoader");
            packages = module.getMethod("getPackages");
        } catch (Exception java8) {
            transform = null;
        }
        TRANSFORM_WITH_MODULE = transform;
        GET_MODULE = getModule;
        UNNAMED_MODULE = unnamed;
        BOOT_LAYER = boot;
        LAYER_MODULES = modules;
        MODULE_LOADER = loader;
        MODULE_PACKAGES = packages;
    }

    private ModuleAwareTransform() {
    }

    static byte[] apply(ClassFileTransformer transformer, ClassLoader loader, String internalName,
                        Class<?> classBeingRedefined, ProtectionDomain protectionDomain, byte[] classfileBuffer)
            throws Exception {
        if (TRANSFORM_WITH_MODULE == null) {
            return transformer.transform(loader, internalName, classBeingRedefined, protectionDomain,
                    classfileBuffer);
        }
        Object module = classBeingRedefined != null ? GET_MODULE.invoke(classBeingRedefined)
                : moduleOf(loader, internalName);
        return (byte[]) TRANSFORM_WITH_MODULE.invoke(transformer, module, loader, internalName, classBeingRedefined,
                protectionDomain, classfileBuffer);
    }

    /**
     * The module a class being loaded will belong to: the boot layer's named module that holds its
     * package for its loader, else its loader's unnamed module.
     */
    private static Object moduleOf(ClassLoader loader, String internalName) throws Exception {
        int slash = internalName.lastIndexOf('/');
        String packageName = slash < 0 ? "" : internalName.substring(0, slash).replace('/', '.');
        for (Object module : (Set<?>) LAYER_MODULES.invoke(BOOT_LAYER.invoke(null))) {
            if (MODULE_LOADER.invoke(module) == loader
                    && ((Set<?>) MODULE_PACKAGES.invoke(module)).contains(packageName)) {
                return module;
            }
        }
        // The bridge is in the bootstrap loader's unnamed module, the one a bootstrap class outside
        // any named module belongs to.
        return loader != null ? UNNAMED_MODULE.invoke(loader) : GET_MODULE.invoke(ImdsBridge.class);
    }

}
