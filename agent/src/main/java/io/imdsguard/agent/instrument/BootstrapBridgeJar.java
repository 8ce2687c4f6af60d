package io.imdsguard.agent.instrument;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

/**
 * Puts the bridge classes on the bootstrap class path, so that advice woven into JDK classes
 * (loaded by the bootstrap and platform loaders) can call them. Only the few bridge classes go
 * there, not the agent: Byte Buddy and Micrometer stay in the agent's own loader.
 *
 * <p>Must run before anything in the agent refers to a bridge class, or the application loader
 * would define its own copy. That is why the bridge classes are named here as strings.
 */
public final class BootstrapBridgeJar {

    static final String[] BRIDGE_CLASSES = {
        "io/imdsguard/bootstrap/ImdsBridge.class",
        "io/imdsguard/bootstrap/ImdsRequestListener.class",
    };

    private BootstrapBridgeJar() {
    }

    public static void install(Instrumentation instrumentation) throws IOException {
        File jar = File.createTempFile("imds-guard-bootstrap-", ".jar");
        jar.deleteOnExit();
        JarOutputStream out = new JarOutputStream(new FileOutputStream(jar));
        try {
            for (String name : BRIDGE_CLASSES) {
                InputStream in = BootstrapBridgeJar.class.getClassLoader().getResourceAsStream(name);
                if (in == null) {
                    throw new IOException("the agent jar lacks " + name);
                }
                try {
                    out.putNextEntry(new ZipEntry(name));
                    byte[] buffer = new byte[8192];
                    int read;
                    while ((read = in.read(buffer)) > 0) {
                        out.write(buffer, 0, read);
                    }
                    out.closeEntry();
                } finally {
                    in.close();
                }
            }
        } finally {
            out.close();
        }
        instrumentation.appendToBootstrapClassLoaderSearch(new JarFile(jar, false));
    }
}
