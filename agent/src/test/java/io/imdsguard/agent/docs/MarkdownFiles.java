package io.imdsguard.agent.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The repository's Markdown documentation as the tests read it: the README and {@code docs/*.md},
 * found from the repository root whichever module directory the tests run in.
 */
public final class MarkdownFiles {

    private MarkdownFiles() {}

    /** The repository root: the nearest directory upwards that holds {@code .ci/run}. */
    public static Path root() {
        Path dir = Paths.get("").toAbsolutePath();
        for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve(".ci").resolve("run"))) {
                return candidate;
            }
        }
        throw new IllegalStateException(
                "no repository root (a directory with .ci/run) above " + dir);
    }

    /** README.md and every docs/*.md, README first. */
    public static List<Path> all() {
        Path root = root();
        List<Path> files = new ArrayList<Path>();
        files.add(root.resolve("README.md"));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            files.addAll(
                    docs.filter(p -> p.getFileName().toString().endsWith(".md"))
                            .sorted()
                            .collect(Collectors.toList()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    public static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The lines outside fenced code blocks; a fenced block's lines become empty, so numbers stay.
     */
    public static List<String> prose(List<String> lines) {
        List<String> out = new ArrayList<String>(lines.size());
        boolean fenced = false;
        for (String line : lines) {
            if (line.trim().startsWith("```")) {
                fenced = !fenced;
                out.add("");
            } else {
                out.add(fenced ? "" : line);
            }
        }
        return out;
    }

    /** The lines inside fenced code blocks. */
    public static List<String> code(List<String> lines) {
        List<String> out = new ArrayList<String>();
        boolean fenced = false;
        for (String line : lines) {
            if (line.trim().startsWith("```")) {
                fenced = !fenced;
            } else if (fenced) {
                out.add(line);
            }
        }
        return out;
    }

    /**
     * The anchors GitHub gives the file's headings: lower case, punctuation dropped, spaces as '-'.
     */
    public static Set<String> anchors(Path file) {
        Set<String> anchors = new LinkedHashSet<String>();
        Map<String, Integer> seen = new HashMap<String, Integer>();
        for (String line : prose(lines(file))) {
            if (!line.matches("#{1,6} .*")) {
                continue;
            }
            String slug =
                    line.replaceFirst("^#+ ", "")
                            .trim()
                            .toLowerCase(Locale.ROOT)
                            .replaceAll("[^\\p{L}\\p{N} _-]", "")
                            .replace(' ', '-');
            Integer times = seen.get(slug);
            seen.put(slug, times == null ? 1 : times + 1);
            anchors.add(times == null ? slug : slug + "-" + times);
        }
        return anchors;
    }
}
