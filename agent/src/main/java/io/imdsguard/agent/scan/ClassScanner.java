package io.imdsguard.agent.scan;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.FieldVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Reads a class file's constant pool for string constants that name IMDS, and for a class that has
 * any, which methods load them. Uses the ASM that Byte Buddy bundles; no class is loaded or run.
 */
final class ClassScanner {

    /** ASM's constant pool tag of a {@code CONSTANT_String}. */
    private static final int CONSTANT_STRING = 8;

    private static final String CONCAT_FACTORY = "java/lang/invoke/StringConcatFactory";

    private ClassScanner() {}

    /**
     * The finding for one class file, or null when no string constant names IMDS (almost every
     * class: those cost a pass over the constant pool and nothing more).
     *
     * @throws IllegalArgumentException (or another runtime exception of ASM) when the bytes are not
     *     a class file
     */
    static ClassFinding scan(byte[] classFile) {
        if (classFile.length < 10
                || (classFile[0] & 0xff) != 0xca
                || (classFile[1] & 0xff) != 0xfe
                || (classFile[2] & 0xff) != 0xba
                || (classFile[3] & 0xff) != 0xbe) {
            throw new IllegalArgumentException("no class file magic number");
        }
        if (!RawPrefilter.mayNameImds(classFile)) {
            return null;
        }
        ClassReader reader = new ClassReader(classFile);
        if (!namesImds(reader)) {
            return null;
        }
        Collector collector = new Collector();
        reader.accept(collector, ClassReader.SKIP_FRAMES);
        return collector.finding();
    }

    private static boolean namesImds(ClassReader reader) {
        char[] buffer = new char[reader.getMaxStringLength()];
        for (int i = 1; i < reader.getItemCount(); i++) {
            int offset = reader.getItem(i);
            // the second slot of a long or double has no offset
            if (offset > 0
                    && reader.readByte(offset - 1) == CONSTANT_STRING
                    && ImdsMarker.of(reader.readUTF8(offset, buffer)) != null) {
                return true;
            }
        }
        return false;
    }

    private static final class Collector extends ClassVisitor {
        private String className;
        private String sourceFile;
        private final Map<String, Use> uses = new LinkedHashMap<String, Use>();

        /** method -> the methods of its own nest it calls, as {@code class.method}. */
        private final Map<String, java.util.Set<String>> calls =
                new java.util.HashMap<String, java.util.Set<String>>();

        /**
         * Calls between methods of this very class, in order: how an IMDS constant reaches the
         * method that sends it.
         */
        private final List<OwnCall> ownCalls = new ArrayList<OwnCall>();

        private final Map<String, Integer> firstLines = new java.util.HashMap<String, Integer>();

        Collector() {
            super(Opcodes.ASM9);
        }

        @Override
        public void visit(
                int version,
                int access,
                String name,
                String signature,
                String superName,
                String[] interfaces) {
            className = name.replace('/', '.');
        }

        @Override
        public void visitSource(String source, String debug) {
            sourceFile = source;
        }

        @Override
        public FieldVisitor visitField(
                int access, String name, String descriptor, String signature, Object value) {
            if (value instanceof String) {
                use("<field " + name + ">").add((String) value, -1);
            }
            return null;
        }

        @Override
        public MethodVisitor visitMethod(
                int access,
                final String name,
                String descriptor,
                String signature,
                String[] exceptions) {
            return new MethodVisitor(Opcodes.ASM9) {
                private int line = -1;

                @Override
                public void visitLineNumber(int number, Label start) {
                    line = number;
                    if (!firstLines.containsKey(name)) {
                        firstLines.put(name, number);
                    }
                }

                @Override
                public void visitMethodInsn(
                        int opcode,
                        String owner,
                        String called,
                        String descriptor,
                        boolean isInterface) {
                    call(name, owner, called);
                    if (owner.replace('/', '.').equals(className) && !called.equals(name)) {
                        ownCalls.add(new OwnCall(name, called, descriptor));
                    }
                }

                @Override
                public void visitLdcInsn(Object value) {
                    if (value instanceof String) {
                        use(name).add((String) value, line);
                    }
                }

                @Override
                public void visitInvokeDynamicInsn(
                        String indyName, String descriptor, Handle bootstrap, Object... arguments) {
                    // string concatenation since Java 9 keeps the literal parts in the recipe
                    boolean concat = CONCAT_FACTORY.equals(bootstrap.getOwner());
                    for (Object argument : arguments) {
                        if (argument instanceof String) {
                            String text = (String) argument;
                            // the recipe marks each value spliced in with \1 (a constant with \2):
                            // shown as {}
                            use(name)
                                    .add(
                                            concat
                                                    ? text.replace("\1", "{}").replace("\2", "{}")
                                                    : text,
                                            line);
                        } else if (argument instanceof Handle) {
                            // a lambda's body is a method of this class
                            call(
                                    name,
                                    ((Handle) argument).getOwner(),
                                    ((Handle) argument).getName());
                        }
                    }
                }
            };
        }

        private void call(String caller, String owner, String called) {
            String ownerName = owner.replace('/', '.');
            if (!ClassFinding.nestHost(ownerName).equals(ClassFinding.nestHost(className))) {
                return;
            }
            java.util.Set<String> callees = calls.get(caller);
            if (callees == null) {
                callees = new java.util.HashSet<String>();
                calls.put(caller, callees);
            }
            callees.add(ownerName + "." + called);
        }

        private Use use(String method) {
            Use use = uses.get(method);
            if (use == null) {
                use = new Use(method);
                uses.put(method, use);
            }
            return use;
        }

        /**
         * At run time the call site is the frame that sends the request, which need not be the
         * method holding the constant: {@code accessKeyId()} passes {@code "/latest/meta-data/..."}
         * to its {@code get(String path)}, which sends it; {@code fetch()} sends what its {@code
         * url()} returns. So within a class, a method called by one that uses IMDS constants, with
         * a String among its parameters, uses them too; and so does one that calls a method
         * returning what it built from them (any object). Repeated until nothing changes: a chain
         * of helpers is followed.
         */
        private void propagate(List<ClassFinding.MethodUse> methods) {
            Map<String, ClassFinding.MethodUse> byName =
                    new LinkedHashMap<String, ClassFinding.MethodUse>();
            for (ClassFinding.MethodUse method : methods) {
                byName.put(method.name, method);
            }
            boolean changed = true;
            while (changed && byName.size() < 256) {
                changed = false;
                for (OwnCall call : ownCalls) {
                    ClassFinding.MethodUse caller = byName.get(call.caller);
                    ClassFinding.MethodUse callee = byName.get(call.callee);
                    if (caller != null && callee == null && call.passesText()) {
                        byName.put(
                                call.callee,
                                derived(call.callee, caller, "called with it by " + call.caller));
                        changed = true;
                    } else if (callee != null
                            && caller == null
                            && call.returnsObject()
                            && !call.caller.startsWith("<")) {
                        byName.put(
                                call.caller, derived(call.caller, callee, "from " + call.callee));
                        changed = true;
                    }
                }
            }
            methods.clear();
            methods.addAll(byName.values());
        }

        private ClassFinding.MethodUse derived(
                String name, ClassFinding.MethodUse from, String via) {
            Integer line = firstLines.get(name);
            return new ClassFinding.MethodUse(
                    name, line == null ? -1 : line, from.markers, from.constants, via);
        }

        ClassFinding finding() {
            List<ClassFinding.MethodUse> methods = new ArrayList<ClassFinding.MethodUse>();
            List<ClassFinding.MethodUse> fields = new ArrayList<ClassFinding.MethodUse>();
            for (Use use : uses.values()) {
                if (!use.markers.isEmpty()) {
                    (use.name.startsWith("<field ") ? fields : methods)
                            .add(
                                    new ClassFinding.MethodUse(
                                            use.name, use.line, use.markers, use.constants));
                }
            }
            // javac copies a constant field's value into the methods that use it, even into a
            // concatenation; so a field tells something only when no method shows a constant
            if (methods.isEmpty()) {
                methods = fields;
            } else {
                propagate(methods);
            }
            return methods.isEmpty()
                    ? null
                    : new ClassFinding(className, sourceFile, methods, calls);
        }
    }

    private static final class OwnCall {
        final String caller;
        final String callee;
        final String descriptor;

        OwnCall(String caller, String callee, String descriptor) {
            this.caller = caller;
            this.callee = callee;
            this.descriptor = descriptor;
        }

        boolean passesText() {
            int end = descriptor.indexOf(')');
            return end > 0 && descriptor.substring(0, end).contains("Ljava/lang/String;");
        }

        boolean returnsObject() {
            int end = descriptor.indexOf(')');
            return end > 0
                    && end + 1 < descriptor.length()
                    && (descriptor.charAt(end + 1) == 'L' || descriptor.charAt(end + 1) == '[');
        }
    }

    private static final class Use {
        final String name;
        final Set<ImdsMarker> markers = EnumSet.noneOf(ImdsMarker.class);
        final List<String> constants = new ArrayList<String>();
        int line = -1;

        Use(String name) {
            this.name = name;
        }

        void add(String constant, int atLine) {
            ImdsMarker marker = ImdsMarker.of(constant);
            if (marker == null) {
                return;
            }
            if (markers.isEmpty()) {
                line = atLine;
            }
            markers.add(marker);
            if (!constants.contains(constant) && constants.size() < 8) {
                constants.add(constant);
            }
        }
    }
}
