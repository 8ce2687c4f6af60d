package io.imdsguard.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A {@code -javaagent} whose premain does nothing: what the JVM itself charges for any agent (on
 * JDK 17, resolving {@code java.instrument} stops it using the archived module graph), the floor
 * under imds-guard's start-up cost. With the argument {@value #WATCH}, premain registers a class
 * file transformer that changes nothing: what the JVM charges any agent that instruments classes as
 * they load, since from then on it hands every class loaded to the transformer.
 */
public final class EmptyAgent {

    static final String WATCH = "watch";

    private EmptyAgent() {}

    public static void premain(String arguments, Instrumentation instrumentation) {
        // otherwise nothing: the point is the JVM's cost of having an agent at all
        if (WATCH.equals(arguments)) {
            instrumentation.addTransformer(
                    new ClassFileTransformer() {
                        @Override
                        public byte[] transform(
                                ClassLoader loader,
                                String name,
                                Class<?> redefined,
                                ProtectionDomain domain,
                                byte[] classFile) {
                            return null;
                        }
                    },
                    true);
        }
    }

    /** Writes the agent's jar: its manifest, this class and its transformer. */
    static Path writeJar(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", EmptyAgent.class.getName());
        manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file, manifest)) {
            copyClass(out, EmptyAgent.class.getName());
            copyClass(out, EmptyAgent.class.getName() + "$1");
        }
        return jar;
    }

    private static void copyClass(JarOutputStream out, String className) throws IOException {
        String entry = className.replace('.', '/') + ".class";
        try (InputStream in = EmptyAgent.class.getClassLoader().getResourceAsStream(entry)) {
            if (in == null) {
                throw new IOException("cannot read " + entry + " from the bench's class path");
            }
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
    }
}
