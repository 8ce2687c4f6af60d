package io.imdsguard.agent.instrument;

import io.imdsguard.bootstrap.ImdsBridge;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.util.Collections;
import java.util.Set;

/**
 * The Java 9+ module of a client class being woven, and the read edge its advice needs: a class in
 * a named module (the JDK's clients in {@code java.base} and {@code java.net.http}) cannot call the
 * bridge, which is in the bootstrap loader's unnamed module, until its module reads that one.
 * {@link DeferredInstrumentation} is Java 8 code and receives no module, so it is found here. Java
 * 9 types are reached through reflection; this runs only for the few client classes.
 */
final class ClassModules {

    private static final Method GET_MODULE;
    private static final Method UNNAMED_MODULE;
    private static final Method BOOT_LAYER;
    private static final Method LAYER_MODULES;
    private static final Method MODULE_LOADER;
    private static final Method MODULE_PACKAGES;
    private static final Method IS_NAMED;
    private static final Method CAN_READ;
    private static final Method REDEFINE_MODULE;

    static {
        Method getModule = null;
        Method unnamed = null;
        Method boot = null;
        Method modules = null;
        Method loader = null;
        Method packages = null;
        Method named = null;
        Method canRead = null;
        Method redefine = null;
        try {
            Class<?> module = Class.forName("java.lang.Module");
            Class<?> layer = Class.forName("java.lang.ModuleLayer");
            getModule = Class.class.getMethod("getModule");
            unnamed = ClassLoader.class.getMethod("getUnnamedModule");
            boot = layer.getMethod("boot");
            modules = layer.getMethod("modules");
            loader = module.getMethod("getClassLoader");
            packages = module.getMethod("getPackages");
            named = module.getMethod("isNamed");
            canRead = module.getMethod("canRead", module);
            redefine =
                    Instrumentation.class.getMethod(
                            "redefineModule",
                            module,
                            Set.class,
                            java.util.Map.class,
                            java.util.Map.class,
                            Set.class,
                            java.util.Map.class);
        } catch (Exception java8) {
            getModule = null;
        }
        GET_MODULE = getModule;
        UNNAMED_MODULE = unnamed;
        BOOT_LAYER = boot;
        LAYER_MODULES = modules;
        MODULE_LOADER = loader;
        MODULE_PACKAGES = packages;
        IS_NAMED = named;
        CAN_READ = canRead;
        REDEFINE_MODULE = redefine;
    }

    private ClassModules() {}

    /**
     * Lets the module of the class being woven read the bridge's module, if it is a named module
     * that does not yet. Nothing on Java 8.
     */
    static void letReadBridge(
            Instrumentation instrumentation,
            ClassLoader loader,
            String internalName,
            Class<?> classBeingRedefined)
            throws Exception {
        if (GET_MODULE == null) {
            return;
        }
        Object module =
                classBeingRedefined != null
                        ? GET_MODULE.invoke(classBeingRedefined)
                        : moduleOf(loader, internalName);
        Object bridge = GET_MODULE.invoke(ImdsBridge.class);
        if ((Boolean) IS_NAMED.invoke(module) && !(Boolean) CAN_READ.invoke(module, bridge)) {
            REDEFINE_MODULE.invoke(
                    instrumentation,
                    module,
                    Collections.singleton(bridge),
                    Collections.emptyMap(),
                    Collections.emptyMap(),
                    Collections.emptySet(),
                    Collections.emptyMap());
        }
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
