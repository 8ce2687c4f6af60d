package io.imdsguard.mockimds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.mockimds.MockImdsMain.Options;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MockImdsMainTest {

    @Test
    void defaults() {
        assertEquals(
                new Options("127.0.0.1", 0, HttpTokens.OPTIONAL, false),
                Options.parse(new String[0]));
    }

    @Test
    void allOptions() {
        assertEquals(
                new Options("127.0.0.1", 8080, HttpTokens.REQUIRED, false),
                Options.parse(
                        new String[] {
                            "--host", "127.0.0.1", "--port", "8080", "--http-tokens", "required"
                        }));
        assertTrue(Options.parse(new String[] {"--help"}).help());
    }

    @Test
    void badOptionsAreRejected() {
        for (String[] args :
                new String[][] {
                    {"--port"},
                    {"--port", "x"},
                    {"--port", "70000"},
                    {"--http-tokens", "sometimes"},
                    {"--verbose"}
                }) {
            assertThrows(
                    IllegalArgumentException.class,
                    () -> Options.parse(args),
                    String.join(" ", args));
        }
    }

    @Test
    void startPrintsTheListeningLine() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        Options options = Options.parse(new String[] {"--http-tokens", "required"});
        try (MockImds imds =
                MockImdsMain.start(
                        options, new PrintStream(buffer, true, StandardCharsets.UTF_8))) {
            assertEquals(
                    "mock IMDS listening on " + imds.endpoint() + " (HttpTokens=required)\n",
                    buffer.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
            assertEquals(
                    401,
                    new ImdsTestClient(imds).get("/latest/meta-data/instance-id").statusCode());
        }
    }
}
