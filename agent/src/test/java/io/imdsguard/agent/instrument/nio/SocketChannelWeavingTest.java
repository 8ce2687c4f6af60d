package io.imdsguard.agent.instrument.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.agent.instrument.AdviceWeaver;
import io.imdsguard.agent.log.AgentLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The advice as the JVM running the test gets it, woven into that JVM's own {@code
 * SocketChannelImpl}. Every write of every channel runs it, and the JIT inlines {@code write} into
 * its callers only while it stays small (325 bytes of bytecode for a hot method on x86-64): the
 * advice must add a few instructions and no exception handler, which would wrap the whole method.
 */
class SocketChannelWeavingTest {

    private static final String[] WRITES = {
        "write(Ljava/nio/ByteBuffer;)I", "write([Ljava/nio/ByteBuffer;II)J"
    };

    /**
     * What the start (the bridge call, the refusal's throw) and the end (a test of the start's
     * value) take.
     */
    private static final int MOST_INSTRUCTIONS_ADDED = 32;

    @TempDir Path dir;

    @Test
    void theWriteAdviceAddsAFewInstructionsAndNoExceptionHandler() throws IOException {
        byte[] jdk = jdkSocketChannel();
        AgentBuilder.Transformer advice = new SocketChannelInstrumentation().transformer();
        AdviceWeaver weaver =
                new AdviceWeaver(
                        null,
                        Collections.singletonMap("sun.nio.ch.SocketChannelImpl", advice),
                        AgentLog.open(dir.resolve("imds-guard.log").toString(), false),
                        "test");
        byte[] woven = weaver.transform(null, "sun/nio/ch/SocketChannelImpl", null, null, jdk);
        assertNotNull(woven, "woven");
        Map<String, Shape> before = shapes(jdk);
        Map<String, Shape> after = shapes(woven);
        for (String write : WRITES) {
            assertNotNull(before.get(write), write + " in the JDK's class");
            int added = after.get(write).instructions - before.get(write).instructions;
            assertTrue(added > 0, write + " is woven");
            assertTrue(
                    added <= MOST_INSTRUCTIONS_ADDED,
                    write + ": the advice adds " + added + " instructions");
            assertEquals(
                    before.get(write).handlers,
                    after.get(write).handlers,
                    write + ": the advice adds an exception handler");
        }
    }

    private static byte[] jdkSocketChannel() throws IOException {
        // A class file is a resource no module hides.
        InputStream in = Object.class.getResourceAsStream("/sun/nio/ch/SocketChannelImpl.class");
        assertNotNull(in, "the JDK's SocketChannelImpl");
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
            return out.toByteArray();
        } finally {
            in.close();
        }
    }

    private static final class Shape {
        int instructions;
        int handlers;
    }

    /** Instructions and exception handlers of each method, by name and descriptor. */
    private static Map<String, Shape> shapes(byte[] classFile) {
        final Map<String, Shape> shapes = new HashMap<String, Shape>();
        new ClassReader(classFile)
                .accept(
                        new ClassVisitor(Opcodes.ASM9) {
                            @Override
                            public MethodVisitor visitMethod(
                                    int access,
                                    String name,
                                    String descriptor,
                                    String signature,
                                    String[] exceptions) {
                                final Shape shape = new Shape();
                                shapes.put(name + descriptor, shape);
                                return new MethodVisitor(Opcodes.ASM9) {
                                    @Override
                                    public void visitInsn(int opcode) {
                                        shape.instructions++;
                                    }

                                    @Override
                                    public void visitIntInsn(int opcode, int operand) {
                                        shape.instructions++;
                                    }

                                    @Override
                                    public void visitVarInsn(int opcode, int var) {
                                        shape.instructions++;
                                    }

                                    @Override
                                    public void visitTypeInsn(int opcode, String type) {
                                        shape.instructions++;
                                    }

                                    @Override
                                    public void visitFieldInsn(
                                            int opcode, String owner, String field, String desc) {
                                        shape.instructions++;
                                    }

                                    @Override
                                    public void visitMethodInsn(
                                            int opcode,
                                            String owner,
                                            String method,
                                            String desc,
                                            boolean itf) {
                                        shape.instructions++;
                                    }

                                    @Override
                                    public void visitInvokeDynamicInsn(
                                            String method,
                                            String desc,
                                            Handle bootstrap,
                                            Object... args) {
                                        shape.instructions++;
                                    }

                                    @Override
                                    public void visitJumpInsn(int opcode, Label label) {
                                        shape.instructions++;
                                    }

                                    @Override
                                    public void visitLdcInsn(Object value) {
                                        shape.instructions++;
                                    }

                                    @Override
                                    public void visitIincInsn(int var, int increment) {
                                        shape.instructions++;
                                    }

                                    @Override
                                    public void visitTableSwitchInsn(
                                            int min, int max, Label dflt, Label... labels) {
                                        shape.instructions++;
                                    }

                                    @Override
                                    public void visitLookupSwitchInsn(
                                            Label dflt, int[] keys, Label[] labels) {
                                        shape.instructions++;
                                    }

                                    @Override
                                    public void visitMultiANewArrayInsn(
                                            String desc, int dimensions) {
                                        shape.instructions++;
                                    }

                                    @Override
                                    public void visitTryCatchBlock(
                                            Label start, Label end, Label handler, String type) {
                                        shape.handlers++;
                                    }
                                };
                            }
                        },
                        ClassReader.SKIP_DEBUG);
        return shapes;
    }
}
