package io.imdsguard.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.agent.detect.CallerFrames;
import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Adding a client is its folder plus one line in {@link Clients}: these tests catch what is
 * forgotten.
 */
class ClientsTest {

    private static final String INSTRUMENT = "io.imdsguard.agent.instrument.";

    /** A folder with advice but no registered description would never be woven, silently. */
    @Test
    void everyClientFolderWithAdviceIsRegistered() throws Exception {
        File classes =
                new File(Clients.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        File instrument = new File(classes, INSTRUMENT.replace('.', '/'));
        Set<String> withAdvice = new TreeSet<String>();
        for (File folder : folders(instrument)) {
            String[] names = folder.list();
            for (String name : names != null ? names : new String[0]) {
                if (name.endsWith(".class") && name.contains("Advice")) {
                    withAdvice.add(INSTRUMENT + folder.getName());
                }
            }
        }
        assertTrue(withAdvice.size() >= 10, "the client folders are found: " + withAdvice);
        Set<String> registered = new TreeSet<String>();
        for (ClientDescription client : Clients.ALL) {
            registered.add(packageOf(client.instrumentationClass()));
        }
        withAdvice.removeAll(registered);
        assertEquals(
                new TreeSet<String>(),
                withAdvice,
                "client folders with advice but no line in Clients.ALL");
    }

    @Test
    void everyDescriptionNamesAnInstrumentationOfItsOwnFolderThatAgreesWithIt() throws Exception {
        for (ClientDescription client : Clients.ALL) {
            ClientInstrumentation instrumentation = client.instrumentation();
            assertEquals(
                    client.name(),
                    instrumentation.client(),
                    client + ": the name in reports and metrics");
            assertNotNull(instrumentation.transformer(), client + ": its transformer");
            assertTrue(
                    client.instrumentationClass().startsWith(INSTRUMENT),
                    client + " lives under instrument/");
            if (client.hooksClass() != null) {
                assertEquals(
                        packageOf(client.instrumentationClass()),
                        packageOf(client.hooksClass()),
                        client + ": its hooks live in its folder");
                assertTrue(
                        ClientHooks.class.isAssignableFrom(Class.forName(client.hooksClass())),
                        client.hooksClass());
                assertNotNull(
                        Class.forName(client.hooksClass()).getConstructor(ClientContext.class),
                        client + ": its hooks are made with the client context");
            }
        }
    }

    @Test
    void aDescriptionThatLeavesSomethingUnsaidIsRefused() {
        IllegalStateException refused =
                assertThrows(
                        IllegalStateException.class,
                        () ->
                                ClientDescription.client("half")
                                        .watches("a.B")
                                        .instrumentedBy("a.BInstrumentation")
                                        .build());
        assertTrue(refused.getMessage().contains("libraryFrames"), refused.getMessage());
        assertTrue(refused.getMessage().contains("testedBy"), refused.getMessage());
        assertTrue(refused.getMessage().contains("isBackstop"), refused.getMessage());
        assertThrows(
                IllegalStateException.class,
                () ->
                        ClientDescription.client("silent")
                                .watches("a.B")
                                .libraryFrames("a.")
                                .writesThroughSocket()
                                .instrumentedBy("a.BInstrumentation")
                                .testedBy("a.BIT")
                                .build(),
                "a client that writes through a socket says which frames show it sending");
    }

    /** The end-to-end test each description names exists in it-tests. */
    @Test
    void everyClientNamesItsEndToEndTest() {
        File itTests = new File(System.getProperty("user.dir"), "../it-tests/src/test/java");
        assertTrue(itTests.isDirectory(), "run from the agent module: " + itTests);
        for (ClientDescription client : Clients.ALL) {
            File source = new File(itTests, client.testCase().replace('.', '/') + ".java");
            assertTrue(
                    source.isFile(), client + ": its test case " + client.testCase() + " exists");
            assertTrue(
                    client.testCase().endsWith("IT"),
                    client + ": a failsafe test, run against real JVMs");
        }
    }

    /**
     * A class missing from the watch would never be woven; a class listed twice would get one
     * transformer.
     */
    @Test
    void noClassIsWatchedForTwoClients() {
        List<String> watched = Clients.watchedClasses();
        assertEquals(
                watched.size(),
                new HashSet<String>(watched).size(),
                "a class watched twice: " + watched);
    }

    /**
     * Forgetting a library's frames there gives wrong call sites, silently: the library's frame is
     * named.
     */
    @Test
    void callSitesSkipExactlyTheClientsLibraryFrames() {
        assertEquals(
                new TreeSet<String>(Clients.libraryFrames()),
                new TreeSet<String>(CallerFrames.clientLibraryPrefixes()),
                "CallerFrames.CLIENT_LIBRARIES and the descriptions' libraryFrames");
    }

    @Test
    void theBackstopsSkipTheClientsThatWriteThroughThem() {
        Set<String> socket = set(Clients.sendingFrames(ClientDescription.Transport.SOCKET));
        assertTrue(
                socket.contains("okhttp3.") && socket.contains("sun.net.www."), socket.toString());
        Set<String> channel = set(Clients.sendingFrames(ClientDescription.Transport.CHANNEL));
        assertTrue(
                channel.contains("jdk.internal.net.http.") && channel.contains("io.netty."),
                channel.toString());
        assertTrue(!channel.contains("okhttp3."), "OkHttp writes through sockets only: " + channel);
    }

    private static Set<String> set(String[] values) {
        Set<String> all = new TreeSet<String>();
        for (String value : values) {
            all.add(value);
        }
        return all;
    }

    private static List<File> folders(File dir) {
        List<File> folders = new ArrayList<File>();
        File[] entries = dir.listFiles();
        for (File entry : entries != null ? entries : new File[0]) {
            if (entry.isDirectory()) {
                folders.add(entry);
            }
        }
        return folders;
    }

    private static String packageOf(String className) {
        return className.substring(0, className.lastIndexOf('.'));
    }
}
