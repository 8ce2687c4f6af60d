package io.imdsguard.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.it.apps.LoopingV1App;
import io.imdsguard.it.support.AgentCommand;
import io.imdsguard.it.support.AppJvm;
import io.imdsguard.it.support.JvmResult;
import io.imdsguard.mockimds.MockImds;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar imds-guard-agent.jar list} shows each JVM's pid, whether imds-guard runs there
 * and its main class, and never its arguments or system properties, which may hold secrets.
 */
class ListCommandIT {

    private static final String SECRET_PROPERTY = "s3cr3t-from-a-system-property";
    private static final String SECRET_ARGUMENT = "s3cr3t-from-an-argument";

    @Test
    void listShowsTheMainClassButNeverTheJvmsArgumentsOrSystemProperties() throws Exception {
        try (MockImds mock = MockImds.builder().start()) {
            // LoopingV1App reads its first two arguments only; the third is there to be hidden.
            AppJvm.Running app =
                    AppJvm.mainClass(
                                    LoopingV1App.class,
                                    "100",
                                    "0",
                                    "--db-password=" + SECRET_ARGUMENT)
                            .systemProperty("secret", SECRET_PROPERTY)
                            .withAgent("mode=report")
                            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", mock.endpoint())
                            .start();
            String pid = String.valueOf(app.pid());
            app.awaitStdout("round 1 ");
            assertTrue(
                    ProcessHandle.of(app.pid())
                            .flatMap(p -> p.info().arguments())
                            .map(List::of)
                            .map(args -> args.contains("--db-password=" + SECRET_ARGUMENT))
                            .orElse(true),
                    "the secret is on the target's command line, where a careless list would find it");

            JvmResult list = AgentCommand.run("list");
            assertEquals(0, list.exitCode(), list.describe());
            List<String> rows =
                    list.stdoutLines().stream().filter(l -> l.startsWith(pid + " ")).toList();
            assertEquals(1, rows.size(), list.describe());
            assertTrue(
                    rows.get(0).endsWith(" " + LoopingV1App.class.getName()),
                    "the main class ends the row, " + "nothing follows it: " + rows.get(0));
            for (String secret :
                    List.of(SECRET_PROPERTY, SECRET_ARGUMENT, "--db-password", "-Dsecret")) {
                assertFalse(
                        list.stdout().contains(secret) || list.stderr().contains(secret),
                        "list printed '" + secret + "':\n" + list.describe());
            }
            app.sendLine("quit");
            app.finish();
        }
    }
}
