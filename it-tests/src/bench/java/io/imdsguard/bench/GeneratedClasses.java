package io.imdsguard.bench;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

/**
 * Writes a jar of many small application classes ({@code gen.C0}, {@code gen.C1}, ...), each with a
 * constructor and a static method, for the start-up benchmark of an application that loads
 * thousands of classes: every one of them passes the agent's type matchers.
 */
final class GeneratedClasses {

    static final String PACKAGE = "gen";

    private GeneratedClasses() {}

    static void writeJar(Path jar, int count) throws IOException {
        Files.createDirectories(jar.getParent());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (int i = 0; i < count; i++) {
                out.putNextEntry(new ZipEntry(PACKAGE + "/C" + i + ".class"));
                out.write(classFile(PACKAGE + "/C" + i, i));
                out.closeEntry();
            }
        }
    }

    /**
     * A Java 8 class file: {@code public class NAME { public NAME() {} public static int value() {
     * return N; } }}.
     */
    static byte[] classFile(String internalName, int value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0xCAFEBABE);
        out.writeShort(0);
        out.writeShort(52);
        out.writeShort(12); // constant pool count: entries 1..11
        utf8(out, internalName); // 1
        classRef(out, 1); // 2
        utf8(out, "java/lang/Object"); // 3
        classRef(out, 3); // 4
        utf8(out, "<init>"); // 5
        utf8(out, "()V"); // 6
        out.writeByte(12); // 7: NameAndType <init>()V
        out.writeShort(5);
        out.writeShort(6);
        out.writeByte(10); // 8: Methodref Object.<init>
        out.writeShort(4);
        out.writeShort(7);
        utf8(out, "Code"); // 9
        utf8(out, "value"); // 10
        utf8(out, "()I"); // 11
        out.writeShort(0x0021); // public super
        out.writeShort(2);
        out.writeShort(4);
        out.writeShort(0); // interfaces
        out.writeShort(0); // fields
        out.writeShort(2); // methods
        method(out, 0x0001, 5, 6, 1, 1, new byte[] {0x2a, (byte) 0xb7, 0, 8, (byte) 0xb1});
        method(
                out,
                0x0009,
                10,
                11,
                1,
                0,
                new byte[] {0x11, (byte) (value >> 8), (byte) value, (byte) 0xac});
        out.writeShort(0); // class attributes
        out.flush();
        return bytes.toByteArray();
    }

    private static void utf8(DataOutputStream out, String text) throws IOException {
        out.writeByte(1);
        out.writeUTF(text);
    }

    private static void classRef(DataOutputStream out, int nameIndex) throws IOException {
        out.writeByte(7);
        out.writeShort(nameIndex);
    }

    private static void method(
            DataOutputStream out,
            int access,
            int name,
            int descriptor,
            int maxStack,
            int maxLocals,
            byte[] code)
            throws IOException {
        out.writeShort(access);
        out.writeShort(name);
        out.writeShort(descriptor);
        out.writeShort(1);
        out.writeShort(9); // "Code"
        out.writeInt(2 + 2 + 4 + code.length + 2 + 2);
        out.writeShort(maxStack);
        out.writeShort(maxLocals);
        out.writeInt(code.length);
        out.write(code);
        out.writeShort(0); // exception table
        out.writeShort(0); // attributes
    }
}
