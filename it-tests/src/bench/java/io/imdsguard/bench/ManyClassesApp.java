package io.imdsguard.bench;

/**
 * The start-up benchmark's class-heavy application: loads, links and initialises the generated
 * classes {@code gen.C0} to {@code gen.C<n-1>} from its class path, then prints its first line.
 */
public final class ManyClassesApp {

    private ManyClassesApp() {}

    public static void main(String[] args) throws Exception {
        int count = Integer.parseInt(args[0]);
        ClassLoader loader = ManyClassesApp.class.getClassLoader();
        long sum = 0;
        for (int i = 0; i < count; i++) {
            Class<?> type = Class.forName(GeneratedClasses.PACKAGE + ".C" + i, true, loader);
            sum += type.getName().length();
        }
        System.out.println("many-classes: loaded " + count + " classes (" + sum + ")");
    }
}
