package io.imdsguard.agent.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README and docs/*.md name only what exists: a reader who follows a link, opens a path or
 * looks for a test class the documentation names finds it. And the README stays short enough to
 * read.
 */
class DocumentationFilesTest {

    private static final int README_MAX_LINES = 300;
    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern CODE_SPAN = Pattern.compile("`([^`]+)`");

    /**
     * A path in the repository: slash-separated names, nothing that marks a placeholder or a URL.
     */
    private static final Pattern REPO_PATH =
            Pattern.compile("[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*/?");

    private static final Pattern TEST_CLASS = Pattern.compile("[A-Z][A-Za-z0-9]*(IT|Test)");

    @Test
    void everyRelativeLinkLeadsToAFileAndHeadingThatExist() {
        List<String> broken = new ArrayList<String>();
        for (Path file : MarkdownFiles.all()) {
            List<String> prose = MarkdownFiles.prose(MarkdownFiles.lines(file));
            for (int i = 0; i < prose.size(); i++) {
                Matcher link = LINK.matcher(prose.get(i));
                while (link.find()) {
                    String problem = problemOf(file, link.group(1));
                    if (problem != null) {
                        broken.add(where(file, i) + ": (" + link.group(1) + ") " + problem);
                    }
                }
            }
        }
        assertEquals(Collections.emptyList(), broken, "links that lead nowhere");
    }

    @Test
    void everyRepositoryPathAndTestClassTheDocsNameExists() {
        Path root = MarkdownFiles.root();
        Set<String> topLevel = topLevelNames(root);
        Set<String> javaFiles = javaFileNames(root);
        List<String> missing = new ArrayList<String>();
        for (Path file : MarkdownFiles.all()) {
            List<String> prose = MarkdownFiles.prose(MarkdownFiles.lines(file));
            for (int i = 0; i < prose.size(); i++) {
                Matcher span = CODE_SPAN.matcher(prose.get(i));
                while (span.find()) {
                    String text = span.group(1);
                    if (isRepositoryPath(text, topLevel) && !Files.exists(root.resolve(text))) {
                        missing.add(where(file, i) + ": no such file or folder: " + text);
                    } else if (TEST_CLASS.matcher(text).matches()
                            && !javaFiles.contains(text + ".java")) {
                        missing.add(where(file, i) + ": no such test class: " + text);
                    }
                }
            }
        }
        assertEquals(Collections.emptyList(), missing, "paths and test classes the docs name");
    }

    /** A page nobody links to is a page nobody finds: the README links every file of docs/. */
    @Test
    void theReadmeLinksEveryDocsPage() {
        Path root = MarkdownFiles.root();
        Set<String> linked = new HashSet<String>();
        for (String line : MarkdownFiles.prose(MarkdownFiles.lines(root.resolve("README.md")))) {
            Matcher link = LINK.matcher(line);
            while (link.find()) {
                linked.add(link.group(1).replaceFirst("#.*", ""));
            }
        }
        List<String> orphans = new ArrayList<String>();
        for (Path file : MarkdownFiles.all()) {
            String relative = root.relativize(file).toString().replace('\\', '/');
            if (relative.startsWith("docs/") && !linked.contains(relative)) {
                orphans.add(relative);
            }
        }
        assertEquals(Collections.emptyList(), orphans, "docs pages the README does not link to");
    }

    @Test
    void theReadmeFitsOnAFewScreens() {
        int lines = MarkdownFiles.lines(MarkdownFiles.root().resolve("README.md")).size();
        assertTrue(
                lines <= README_MAX_LINES,
                "README.md has "
                        + lines
                        + " lines, at most "
                        + README_MAX_LINES
                        + ": move the detail into docs/ and link to it");
    }

    /**
     * .ci/run runs "the README's test command": the README shows each mvn command it runs, as it
     * runs it.
     */
    @Test
    void theReadmeShowsTheCommandThatCiRuns() {
        Path root = MarkdownFiles.root();
        List<String> ciCommands =
                MarkdownFiles.lines(root.resolve(".ci").resolve("run")).stream()
                        .map(String::trim)
                        .filter(line -> line.startsWith("mvn "))
                        .collect(Collectors.toList());
        assertTrue(!ciCommands.isEmpty(), ".ci/run runs no mvn command");
        Set<String> readmeCode =
                MarkdownFiles.code(MarkdownFiles.lines(root.resolve("README.md"))).stream()
                        .map(String::trim)
                        .collect(Collectors.toSet());
        for (String command : ciCommands) {
            assertTrue(
                    readmeCode.contains(command),
                    "README.md does not show the command .ci/run runs: " + command);
        }
    }

    private static String problemOf(Path file, String target) {
        if (target.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return null; // a URL: not ours to check offline
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        Path resolved = path.isEmpty() ? file : file.getParent().resolve(path).normalize();
        if (!resolved.startsWith(MarkdownFiles.root())) {
            return "leads outside the repository";
        }
        if (!Files.exists(resolved)) {
            return "no such file: " + MarkdownFiles.root().relativize(resolved);
        }
        if (hash >= 0) {
            String anchor = target.substring(hash + 1);
            if (!resolved.toString().endsWith(".md")
                    || !MarkdownFiles.anchors(resolved).contains(anchor)) {
                return "no heading with anchor #"
                        + anchor
                        + " in "
                        + MarkdownFiles.root().relativize(resolved);
            }
        }
        return null;
    }

    /**
     * Text like "agent/src/..." or ".ci/run" whose first name is one of the repository's own; build
     * output excluded.
     */
    private static boolean isRepositoryPath(String text, Set<String> topLevel) {
        if (!text.contains("/") || !REPO_PATH.matcher(text).matches()) {
            return false;
        }
        List<String> names = new ArrayList<String>();
        Collections.addAll(names, text.split("/"));
        return topLevel.contains(names.get(0)) && !names.contains("target");
    }

    private static Set<String> topLevelNames(Path root) {
        try (Stream<Path> entries = Files.list(root)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(name -> !name.equals(".git"))
                    .collect(Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The names of the repository's .java files; build output and Git's own folder are not walked.
     */
    private static Set<String> javaFileNames(Path root) {
        final Set<String> names = new HashSet<String>();
        try {
            Files.walkFileTree(
                    root,
                    new SimpleFileVisitor<Path>() {
                        @Override
                        public FileVisitResult preVisitDirectory(
                                Path dir, BasicFileAttributes attributes) {
                            String name =
                                    dir.getFileName() == null ? "" : dir.getFileName().toString();
                            return name.equals("target") || name.equals(".git")
                                    ? FileVisitResult.SKIP_SUBTREE
                                    : FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(
                                Path file, BasicFileAttributes attributes) {
                            if (file.getFileName().toString().endsWith(".java")) {
                                names.add(file.getFileName().toString());
                            }
                            return FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return names;
    }

    private static String where(Path file, int lineIndex) {
        return MarkdownFiles.root().relativize(file) + ":" + (lineIndex + 1);
    }
}
