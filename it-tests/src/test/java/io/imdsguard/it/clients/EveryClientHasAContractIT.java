package io.imdsguard.it.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.it.apps.EndpointArgumentApp;
import io.imdsguard.it.clients.harness.AgentClient;
import io.imdsguard.it.clients.harness.ClientContract;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.mockimds.MockImds;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every client the agent registers has its end-to-end test on the {@link ClientContract}: a test of
 * this package extending it and naming the client in {@link AgentClient}. The agent's clients are
 * read from the agent itself, as a user would see them: with {@code debug=true} it logs {@code
 * instrumentation registered: <client>} for each when the first client class loads.
 */
class EveryClientHasAContractIT {

    private static final String REGISTERED = "instrumentation registered: ";

    @Test
    void everyRegisteredClientHasExactlyOneContractTestAndEveryContractTestARegisteredClient()
            throws Exception {
        TreeSet<String> registered = registeredClients();
        Map<String, String> tests = contractTests();
        assertEquals(
                registered,
                new TreeSet<>(tests.keySet()),
                "clients the agent registers (left) and the"
                        + " clients the ClientContract tests of "
                        + EveryClientHasAContractIT.class.getPackage().getName()
                        + " name in @AgentClient (right): "
                        + tests);
    }

    private static TreeSet<String> registeredClients() throws IOException, InterruptedException {
        try (MockImds mock = MockImds.builder().start()) {
            // any client class loading starts the weaver, which registers them all
            JvmResult run =
                    AppJvm.mainClass(EndpointArgumentApp.class, mock.endpoint(), "1")
                            .withAgent("debug=true")
                            .run();
            assertEquals(0, run.exitCode(), run.describe());
            TreeSet<String> clients = new TreeSet<>();
            for (String line : run.agent().linesContaining(REGISTERED)) {
                // "<client>" or "<client> (<generation>)": a client in two generations is one
                // contract
                String registered =
                        line.substring(line.indexOf(REGISTERED) + REGISTERED.length()).trim();
                clients.add(registered.split(" ", 2)[0]);
            }
            assertFalse(
                    clients.isEmpty(),
                    "no '" + REGISTERED + "' line in the agent's debug log:\n" + run.stderr());
            return clients;
        }
    }

    /** Client name to the one test naming it; fails on a client named twice. */
    private static Map<String, String> contractTests() throws Exception {
        Path classes =
                Paths.get(
                        ClientContract.class
                                .getProtectionDomain()
                                .getCodeSource()
                                .getLocation()
                                .toURI());
        String pkg = EveryClientHasAContractIT.class.getPackage().getName();
        Map<String, String> tests = new TreeMap<>();
        try (Stream<Path> files = Files.list(classes.resolve(pkg.replace('.', '/')))) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (!name.endsWith("IT.class")) {
                    continue;
                }
                Class<?> test =
                        Class.forName(
                                pkg + "." + name.substring(0, name.length() - ".class".length()));
                AgentClient clients = test.getAnnotation(AgentClient.class);
                if (clients == null) {
                    continue;
                }
                assertTrue(
                        ClientContract.class.isAssignableFrom(test),
                        test + " names clients but is no ClientContract");
                for (String client : clients.value()) {
                    String before = tests.put(client, test.getSimpleName());
                    assertEquals(
                            null,
                            before,
                            client + " is named by " + before + " and " + test.getSimpleName());
                }
            }
        }
        return tests;
    }
}
