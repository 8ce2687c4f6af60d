package io.imdsguard.agent.instrument;

import static net.bytebuddy.matcher.ElementMatchers.named;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.agent.log.AgentLog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.bytebuddy.description.type.TypeDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdviceHooksTest {

    @TempDir Path dir;

    @Test
    void aMatchedClassWithoutTheHookedMethodsIsLeftAloneWithOneDebugLine() throws IOException {
        Path logFile = dir.resolve("agent.log");
        AdviceHooks.logTo(AgentLog.open(logFile.toString(), true));
        AdviceHooks hooks =
                AdviceHooks.of("some-client", AdviceHooksTest.class.getClassLoader())
                        .advice(named("doExecute"), "some.Advice")
                        .advice(named("newCall"), "some.OtherAdvice");
        TypeDescription oldVersion = TypeDescription.ForLoadedType.of(StringBuilder.class);

        assertNull(
                hooks.transform(null, oldVersion, null, null, null),
                "the builder is handed back untouched");
        assertNull(hooks.transform(null, oldVersion, null, null, null));

        List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
        assertEquals(1, lines.size(), "one line per class, however often it is seen: " + lines);
        assertTrue(
                lines.get(0)
                        .contains(
                                "debug: some-client: java.lang.StringBuilder has none of the methods"),
                lines.get(0));
    }
}
