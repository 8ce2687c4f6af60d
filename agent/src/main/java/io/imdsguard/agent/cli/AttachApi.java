package io.imdsguard.agent.cli;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The JDK's attach API ({@code com.sun.tools.attach.VirtualMachine}), reached by reflection: it is
 * in the module {@code jdk.attach} of a JDK (Java 9+) or in {@code lib/tools.jar} (Java 8), and a
 * JRE has neither. The agent jar must still run there, and say what is missing.
 */
final class AttachApi {

    static final int FAILED = 1;

    private final Class<?> virtualMachine;
    private final Class<?> descriptor;

    private AttachApi(Class<?> virtualMachine) throws ClassNotFoundException {
        this.virtualMachine = virtualMachine;
        this.descriptor =
                Class.forName(
                        "com.sun.tools.attach.VirtualMachineDescriptor",
                        true,
                        virtualMachine.getClassLoader());
    }

    static AttachApi load() throws CliFailure {
        String javaHome = System.getProperty("java.home");
        try {
            return new AttachApi(Class.forName("com.sun.tools.attach.VirtualMachine"));
        } catch (ClassNotFoundException | LinkageError notInThisRuntime) {
            // Java 8: java.home is the JDK's jre/ folder, and the attach API is in
            // ../lib/tools.jar.
            File toolsJar =
                    new File(
                            new File(javaHome).getParentFile(),
                            "lib" + File.separator + "tools.jar");
            if (toolsJar.isFile()) {
                try {
                    ClassLoader loader =
                            new URLClassLoader(
                                    new URL[] {toolsJar.toURI().toURL()},
                                    AttachApi.class.getClassLoader());
                    return new AttachApi(
                            Class.forName("com.sun.tools.attach.VirtualMachine", true, loader));
                } catch (Exception | LinkageError e) {
                    throw new CliFailure(
                            "cannot load the attach API from " + toolsJar + ": " + e, FAILED);
                }
            }
            throw new CliFailure(
                    "attaching needs a JDK, not a JRE: the Java at "
                            + javaHome
                            + " has neither the"
                            + " module jdk.attach (Java 9+) nor lib/tools.jar (Java 8). Run this command with the java"
                            + " of a JDK, e.g. /usr/lib/jvm/<jdk>/bin/java -jar imds-guard-agent.jar ...",
                    FAILED);
        }
    }

    /** The JVMs of this user that announce themselves for attach: {id, display name} pairs. */
    List<String[]> list() throws CliFailure {
        List<String[]> jvms = new ArrayList<String[]>();
        for (Object jvm : (List<?>) call(virtualMachine, null, "list")) {
            String id = (String) call(descriptor, jvm, "id");
            String name = (String) call(descriptor, jvm, "displayName");
            jvms.add(new String[] {id, name == null ? "" : name});
        }
        return jvms;
    }

    Jvm attach(String pid) throws Exception {
        return new Jvm(invoke(null, virtualMachine.getMethod("attach", String.class), pid));
    }

    /** One attached JVM. */
    final class Jvm {
        private final Object vm;

        Jvm(Object vm) {
            this.vm = vm;
        }

        Properties systemProperties() throws Exception {
            return (Properties) invoke(vm, virtualMachine.getMethod("getSystemProperties"));
        }

        void loadAgent(String jar, String options) throws Exception {
            invoke(
                    vm,
                    virtualMachine.getMethod("loadAgent", String.class, String.class),
                    jar,
                    options);
        }

        void detach() {
            try {
                invoke(vm, virtualMachine.getMethod("detach"));
            } catch (Exception ignored) {
                // the connection is gone either way
            }
        }
    }

    /** The simple class name of an attach API exception, e.g. AttachNotSupportedException. */
    static String kind(Throwable error) {
        return error.getClass().getSimpleName();
    }

    /** A method without parameters of the public API type, on target (null for a static one). */
    private static Object call(Class<?> type, Object target, String method) throws CliFailure {
        try {
            return invoke(target, type.getMethod(method));
        } catch (Exception e) {
            throw new CliFailure("the attach API failed: " + e, FAILED);
        }
    }

    /** Calls through reflection and rethrows what the attach API threw, not its wrapper. */
    private static Object invoke(Object target, Method method, Object... args) throws Exception {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception) {
                throw (Exception) cause;
            }
            if (cause instanceof Error) {
                throw (Error) cause;
            }
            throw e;
        }
    }
}
