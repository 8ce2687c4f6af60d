package io.imdsguard.agent.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Links planted in a shared folder at the names the agent writes never make it write elsewhere. */
class SafeFilesTest {

    private static final String VICTIM = "victim: must stay as it is\n";

    @TempDir Path dir;

    @Test
    void aLinkAtTheFinalNameIsReplacedAndItsTargetLeftAlone() throws IOException {
        Path victim = victim();
        Path report = dir.resolve("report.json");
        Files.createSymbolicLink(report, victim);

        SafeFiles.replace(report, bytes("{\"report\":1}"));

        assertEquals(VICTIM, read(victim));
        assertFalse(Files.isSymbolicLink(report), "the link itself was replaced");
        assertEquals("{\"report\":1}", read(report));
    }

    @Test
    void linksAtTheOldAndAnyPredictableTemporaryNameAreNeverWrittenThrough() throws IOException {
        Path victim = victim();
        Path report = dir.resolve("report.json");
        List<Path> planted = new ArrayList<Path>();
        for (String name :
                new String[] {
                    "report.json.tmp", ".report.json.tmp", "report.json~", ".report.json.swp"
                }) {
            planted.add(Files.createSymbolicLink(dir.resolve(name), victim));
        }

        SafeFiles.replace(report, bytes("first"));
        SafeFiles.replace(report, bytes("second"));

        assertEquals(VICTIM, read(victim));
        assertEquals("second", read(report));
        for (Path link : planted) {
            assertTrue(Files.isSymbolicLink(link), link + " left in place");
        }
        assertEquals(
                6,
                entries(),
                "no temporary file is left behind: "
                        + java.util.Arrays.toString(dir.toFile().list()));
    }

    @Test
    void appendingRefusesALinkAtTheLogName() throws IOException {
        Path victim = victim();
        Path log = Files.createSymbolicLink(dir.resolve("agent.log"), victim);

        assertThrows(IOException.class, () -> SafeFiles.append(log).close());
        assertEquals(VICTIM, read(victim));
    }

    @Test
    void appendingToAPlainFileKeepsWhatWasThere() throws IOException {
        Path log = dir.resolve("agent.log");
        Files.write(log, bytes("one\n"));
        OutputStream out = SafeFiles.append(log);
        out.write(bytes("two\n"));
        out.close();
        assertEquals("one\ntwo\n", read(log));
    }

    @Test
    void aLogPlantedAsALinkFallsBackToStandardErrorAndLeavesTheTargetAlone() throws Exception {
        Path victim = victim();
        Path log = Files.createSymbolicLink(dir.resolve("agent.log"), victim);
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true));
            AgentLog.keepStandardError();
            AgentLog.open(log.toString(), false).info("a line");
        } finally {
            System.setErr(original);
            AgentLog.keepStandardError();
        }
        assertEquals(VICTIM, read(victim));
        String text = err.toString("UTF-8");
        assertTrue(text.contains("cannot write the log file") && text.contains("a line"), text);
    }

    private Path victim() throws IOException {
        Path victim = dir.resolve("victim.conf");
        Files.write(victim, bytes(VICTIM));
        return victim;
    }

    private int entries() throws IOException {
        int n = 0;
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path ignored : stream) {
                n++;
            }
        }
        return n;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String read(Path path) throws IOException {
        return new String(Files.readAllBytes(path), StandardCharsets.UTF_8);
    }
}
