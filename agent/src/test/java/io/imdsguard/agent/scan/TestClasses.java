package io.imdsguard.agent.scan;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Class files and archives built in the test: a method per entry, loading its constants at a known
 * line.
 */
final class TestClasses {

    private TestClasses() {}

    /**
     * A class {@code internalName} whose method {@code m} ({@code "call:other"} calls method other
     * of the class) {@code m} loads each constant of {@code methods.get(m)} at line {@code line}.
     */
    static byte[] classWith(String internalName, int line, Map<String, String[]> methods) {
        ClassWriter writer = new ClassWriter(ClassWriter.COMPUTE_MAXS);
        writer.visit(Opcodes.V9, Opcodes.ACC_PUBLIC, internalName, null, "java/lang/Object", null);
        String simple = internalName.substring(internalName.lastIndexOf('/') + 1);
        int dollar = simple.indexOf('$');
        writer.visitSource((dollar > 0 ? simple.substring(0, dollar) : simple) + ".java", null);
        for (Map.Entry<String, String[]> method : methods.entrySet()) {
            MethodVisitor code =
                    writer.visitMethod(
                            Opcodes.ACC_PUBLIC | Opcodes.ACC_STATIC,
                            method.getKey(),
                            "()V",
                            null,
                            null);
            code.visitCode();
            Label start = new Label();
            code.visitLabel(start);
            code.visitLineNumber(line, start);
            for (String constant : method.getValue()) {
                if (constant.startsWith("call:")) {
                    // "call:get(Ljava/lang/String;)V" with its descriptor: the scan reads, never
                    // verifies
                    String called = constant.substring(5);
                    int paren = called.indexOf('(');
                    code.visitMethodInsn(
                            Opcodes.INVOKESTATIC,
                            internalName,
                            paren < 0 ? called : called.substring(0, paren),
                            paren < 0 ? "()V" : called.substring(paren),
                            false);
                    continue;
                }
                if (constant.startsWith("concat:")) {
                    // what javac 9+ emits for "" + host + "/latest/...": the literal parts live in
                    // the recipe
                    code.visitLdcInsn("host");
                    code.visitInvokeDynamicInsn(
                            "makeConcatWithConstants",
                            "(Ljava/lang/String;)Ljava/lang/String;",
                            new Handle(
                                    Opcodes.H_INVOKESTATIC,
                                    "java/lang/invoke/StringConcatFactory",
                                    "makeConcatWithConstants",
                                    "(Ljava/lang/invoke/MethodHandles$Lookup;"
                                            + "Ljava/lang/String;Ljava/lang/invoke/MethodType;Ljava/lang/String;"
                                            + "[Ljava/lang/Object;)Ljava/lang/invoke/CallSite;",
                                    false),
                            constant.substring(7));
                    code.visitInsn(Opcodes.POP);
                    continue;
                }
                code.visitLdcInsn(constant);
                code.visitInsn(Opcodes.POP);
            }
            code.visitInsn(Opcodes.RETURN);
            code.visitMaxs(0, 0);
            code.visitEnd();
        }
        writer.visitEnd();
        return writer.toByteArray();
    }

    static byte[] classWith(String internalName, int line, String method, String... constants) {
        Map<String, String[]> methods = new LinkedHashMap<String, String[]>();
        methods.put(method, constants);
        return classWith(internalName, line, methods);
    }

    static String pom(String group, String artifact, String version) {
        return "groupId=" + group + "\nartifactId=" + artifact + "\nversion=" + version + "\n";
    }

    /** A zip of the entries, in order; a {@code byte[]} value as is, a String as UTF-8. */
    static byte[] jar(Map<String, Object> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ZipOutputStream zip = new ZipOutputStream(bytes);
        for (Map.Entry<String, Object> entry : entries.entrySet()) {
            zip.putNextEntry(new ZipEntry(entry.getKey()));
            Object value = entry.getValue();
            zip.write(
                    value instanceof byte[]
                            ? (byte[]) value
                            : ((String) value).getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        zip.close();
        return bytes.toByteArray();
    }

    /** The same, with every nested jar stored (not compressed), as Spring Boot's BOOT-INF/lib. */
    static byte[] bootJar(Map<String, Object> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ZipOutputStream zip = new ZipOutputStream(bytes);
        for (Map.Entry<String, Object> entry : entries.entrySet()) {
            Object value = entry.getValue();
            byte[] content =
                    value instanceof byte[]
                            ? (byte[]) value
                            : ((String) value).getBytes(StandardCharsets.UTF_8);
            ZipEntry zipEntry = new ZipEntry(entry.getKey());
            if (entry.getKey().endsWith(".jar")) {
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(content);
                zipEntry.setMethod(ZipEntry.STORED);
                zipEntry.setSize(content.length);
                zipEntry.setCompressedSize(content.length);
                zipEntry.setCrc(crc.getValue());
            }
            zip.putNextEntry(zipEntry);
            zip.write(content);
            zip.closeEntry();
        }
        zip.close();
        return bytes.toByteArray();
    }

    static Map<String, Object> entries(Object... nameThenContent) {
        Map<String, Object> entries = new LinkedHashMap<String, Object>();
        for (int i = 0; i < nameThenContent.length; i += 2) {
            entries.put((String) nameThenContent[i], nameThenContent[i + 1]);
        }
        return entries;
    }
}
