package io.imdsguard.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.imdsguard.agent.docs.MarkdownFiles;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md's key table is the agent's key list: a key added, renamed or removed in
 * {@link ConfigKey} without the table (or the other way round) fails here, and so does a default
 * that changed in one place only.
 */
class ConfigurationDocTest {

    private static final String HEADER = "| key | default | accepted | meaning |";
    private static final Pattern BACKTICKED = Pattern.compile("^`([^`]+)`$");

    @Test
    void theTableListsExactlyTheAgentsKeysInItsOrder() {
        List<String> documented = new ArrayList<String>();
        for (String[] row : rows()) {
            documented.add(key(row));
        }
        List<String> agent = new ArrayList<String>();
        for (ConfigKey key : ConfigKey.values()) {
            agent.add(key.key());
        }
        assertEquals(agent, documented, "docs/configuration.md's table against ConfigKey");
    }

    /**
     * A plain default is shown as itself; a key without one says what happens instead, never a
     * made-up value.
     */
    @Test
    void eachDocumentedDefaultIsTheAgentsDefault() {
        for (String[] row : rows()) {
            ConfigKey key = ConfigKey.byName(key(row));
            if (key == null) {
                continue; // the first test names it
            }
            String cell = row[1].trim();
            String value = key.defaultValue();
            if (value == null) {
                assertFalse(
                        cell.startsWith("`"),
                        key.key() + " has no default, yet the table shows " + cell);
            } else if (!value.contains(";")) {
                assertEquals("`" + value + "`", cell, "the default of " + key.key());
            } else {
                for (String prefix : value.split(";")) {
                    assertTrue(
                            cell.contains("AWS SDK") || cell.contains(prefix),
                            key.key()
                                    + ": the default cell says neither what it holds nor where: "
                                    + cell);
                }
            }
        }
    }

    private static List<String[]> rows() {
        List<String> lines =
                MarkdownFiles.lines(
                        MarkdownFiles.root().resolve("docs").resolve("configuration.md"));
        int header = lines.indexOf(HEADER);
        assertTrue(header >= 0, "docs/configuration.md has no table headed " + HEADER);
        List<String[]> rows = new ArrayList<String[]>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String line = lines.get(i);
            // cells are split at '|' that is not escaped as '\|'
            String[] cells = line.substring(1, line.length() - 1).split("(?<!\\\\)\\|", -1);
            assertTrue(cells.length == 4, "a row of four cells: " + line);
            rows.add(cells);
        }
        assertFalse(rows.isEmpty(), "the key table of docs/configuration.md has no rows");
        return rows;
    }

    private static String key(String[] row) {
        Matcher key = BACKTICKED.matcher(row[0].trim());
        assertTrue(key.matches(), "a key cell is one backticked key: " + row[0]);
        return key.group(1);
    }
}
