package io.imdsguard.it.apps;

/**
 * Tries what strong encapsulation forbids: using jdk.internal.misc.Unsafe from application code.
 */
public final class InternalsProbeApp {

    public static void main(String[] args) {
        try {
            Object unsafe =
                    Class.forName("jdk.internal.misc.Unsafe").getMethod("getUnsafe").invoke(null);
            System.out.println("jdk.internal.misc: ACCESSIBLE " + unsafe.getClass().getName());
        } catch (IllegalAccessException e) {
            System.out.println("jdk.internal.misc: inaccessible");
        } catch (ReflectiveOperationException e) {
            System.out.println("jdk.internal.misc: " + e);
        }
    }
}
