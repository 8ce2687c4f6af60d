package io.imdsguard.agent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import testcallers.LibraryCallers;

/**
 * The frame-run rule: a library the agent does not know by name is told by the jar its classes came
 * from, and the call site is the application frame beyond that library's run of frames.
 */
class LibraryCallSitesTest {

    private static final String JAR = "tiny-http-1.0.jar";

    @TempDir static Path dir;

    /** TinyHttp.send from its own jar, as a library on the class path is loaded. */
    private static Method sendFromJar;

    @BeforeAll
    static void buildTheLibraryJar() throws Exception {
        Path jar = dir.resolve(JAR);
        String entry = "testlibrary/TinyHttp.class";
        try (OutputStream file = Files.newOutputStream(jar);
                JarOutputStream out = new JarOutputStream(file);
                InputStream in =
                        LibraryCallSitesTest.class.getClassLoader().getResourceAsStream(entry)) {
            out.putNextEntry(new JarEntry(entry));
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) > 0; ) {
                out.write(buffer, 0, n);
            }
        }
        ClassLoader loader =
                new LibraryFirst(
                        new URL[] {jar.toUri().toURL()},
                        LibraryCallSitesTest.class.getClassLoader());
        sendFromJar = loader.loadClass("testlibrary.TinyHttp").getMethod("send", Supplier.class);
        assertTrue(
                sendFromJar
                        .getDeclaringClass()
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toString()
                        .endsWith(JAR),
                "the library class comes from its jar");
    }

    /**
     * The agent's hook, walking the stack as it does on every v1 call; the frames are taken there
     * too, as on a site's first call.
     */
    private static final Supplier<CallerFrames> WALKED =
            () -> {
                CallerFrames caller = CallerFrames.ofCurrentThread();
                caller.frames();
                return caller;
            };

    /** The same from a trace and its classes: Java 8, and a request carried to another thread. */
    private static final Supplier<CallerFrames> FROM_TRACE =
            () -> {
                StackTraceElement[] trace = new Throwable().getStackTrace();
                return CallerFrames.of(trace, StackClasses.of(trace));
            };

    @Test
    void eachApplicationMethodCallingAnUnknownLibraryIsItsOwnSiteWhenWalked() throws Exception {
        assertTwoApplicationSites(WALKED);
    }

    @Test
    void eachApplicationMethodCallingAnUnknownLibraryIsItsOwnSiteFromATrace() throws Exception {
        assertTwoApplicationSites(FROM_TRACE);
    }

    private static void assertTwoApplicationSites(Supplier<CallerFrames> hook) throws Exception {
        for (int call = 0; call < 2; call++) {
            CallerFrames a = (CallerFrames) LibraryCallers.instanceId(sendFromJar, hook);
            CallerFrames b = (CallerFrames) LibraryCallers.credentials(sendFromJar, hook);
            assertEquals("testcallers.LibraryCallers.instanceId", a.siteMethod(), a.site());
            assertEquals("testcallers.LibraryCallers.credentials", b.siteMethod(), b.site());
            assertEquals("testcallers.LibraryCallers", a.siteClass());
            assertNotEquals(a.site(), b.site());
            assertEquals(JAR, a.libraryJar());
            assertEquals(Arrays.asList("testlibrary.TinyHttp"), a.libraryClasses());
            assertNull(a.applicationFrame(), "application code is the site itself");
            // the reported path starts where the request was made: the library, then its caller
            assertTrue(
                    a.frames().get(0).startsWith("testlibrary.TinyHttp.execute("),
                    a.frames().toString());
            assertTrue(
                    a.frames().get(1).startsWith("testlibrary.TinyHttp.send("),
                    a.frames().toString());
        }
    }

    @Test
    void theSameClassFromTheApplicationsDirectoryIsApplicationCodeAndTheSite() throws Exception {
        Method sendFromDirectory = testlibrary.TinyHttp.class.getMethod("send", Supplier.class);
        for (Supplier<CallerFrames> hook : Arrays.asList(WALKED, FROM_TRACE)) {
            CallerFrames site = (CallerFrames) LibraryCallers.instanceId(sendFromDirectory, hook);
            assertEquals("testlibrary.TinyHttp.execute", site.siteMethod());
            assertNull(site.library());
            assertTrue(site.libraryClasses().isEmpty());
        }
    }

    @Test
    void withoutTheClassesOfATraceTheFirstFrameOutsideTheNameListsIsTheSiteAsBefore()
            throws Exception {
        CallerFrames site =
                (CallerFrames)
                        LibraryCallers.instanceId(
                                sendFromJar,
                                () -> CallerFrames.of(new Throwable().getStackTrace()));
        assertEquals("testlibrary.TinyHttp.execute", site.siteMethod());
    }

    /** Frames as the agent sees them: an agent frame, the JDK's, then the given classes outward. */
    private static CallerFrames stackOf(String[] names, Class<?>[] classes) {
        StackTraceElement[] stack = new StackTraceElement[names.length + 2];
        Class<?>[] all = new Class<?>[names.length + 2];
        stack[0] =
                new StackTraceElement(
                        "io.imdsguard.agent.observe.RequestObserver",
                        "handle",
                        "RequestObserver.java",
                        1);
        stack[1] =
                new StackTraceElement(
                        "sun.net.www.protocol.http.HttpURLConnection",
                        "getInputStream",
                        "HttpURLConnection.java",
                        2);
        for (int i = 0; i < names.length; i++) {
            stack[i + 2] = new StackTraceElement(names[i], "m" + i, "F.java", 10 + i);
            all[i + 2] = classes[i];
        }
        return CallerFrames.of(stack, all);
    }

    /**
     * A class from JUnit's API jar and one from opentest4j's: two libraries on the test class path.
     */
    private static final Class<?> LIBRARY_A = org.junit.jupiter.api.Assertions.class;

    private static final Class<?> LIBRARY_B = org.opentest4j.AssertionFailedError.class;
    private static final Class<?> APPLICATION = LibraryCallers.class;

    @Test
    void aLibraryCalledByAnotherLibraryIsPassedUpToTheApplication() {
        CallerFrames site =
                stackOf(
                        new String[] {
                            "a.Client", "a.Request", "b.Wrapper", "app.Service", "app.Main"
                        },
                        new Class<?>[] {LIBRARY_A, LIBRARY_A, LIBRARY_B, APPLICATION, APPLICATION});
        assertEquals("app.Service.m3", site.siteMethod());
        assertEquals(Arrays.asList("a.Client", "a.Request"), site.libraryClasses());
    }

    @Test
    void withNoApplicationFrameTheSiteIsTheFirstFrameBeyondTheLibrarysRun() {
        CallerFrames site =
                stackOf(
                        new String[] {"a.Client", "a.Request", "b.Pool", "b.Thread"},
                        new Class<?>[] {LIBRARY_A, LIBRARY_A, LIBRARY_B, LIBRARY_B});
        assertEquals("b.Pool.m2", site.siteMethod());
    }

    @Test
    void anSdksImdsClassStaysTheSiteAndNamesTheApplicationFrameThatCalledIt() {
        Class<?>[] classes = {LIBRARY_A, LIBRARY_A, LIBRARY_A, APPLICATION, APPLICATION};
        CallerFrames idLookup =
                stackOf(
                        new String[] {
                            "com.amazonaws.internal.ConnectionUtils",
                            "com.amazonaws.internal.EC2ResourceFetcher",
                            "com.amazonaws.util.EC2MetadataUtils",
                            "app.Ids",
                            "app.Main"
                        },
                        classes);
        assertEquals("com.amazonaws.internal.ConnectionUtils.m0", idLookup.siteMethod());
        assertEquals("com.amazonaws.internal.ConnectionUtils", idLookup.siteClass());
        assertEquals("app.Ids.m3(F.java:13)", idLookup.applicationFrame());
        assertNull(
                idLookup.library(), "the SDK's IMDS class is the site, not a library passed over");
    }

    @Test
    void jarsAndNestedJarsAreLibrariesDirectoriesAreNot() {
        assertTrue(CodeSources.isJar("file:/m2/google-http-client-1.43.3.jar"));
        assertTrue(CodeSources.isJar("jar:file:/srv/app.jar!/BOOT-INF/lib/okio-3.6.0.jar!/"));
        assertTrue(CodeSources.isJar("nested:/srv/app.jar/!BOOT-INF/lib/tiny.jar"));
        assertTrue(!CodeSources.isJar("file:/srv/app/target/classes/"));
        assertTrue(!CodeSources.isJar("jar:file:/srv/app.jar!/BOOT-INF/classes!/"));
        assertEquals(
                "okio-3.6.0.jar",
                CodeSources.jarName("jar:file:/srv/app.jar!/BOOT-INF/lib/okio-3.6.0.jar!/"));
    }

    /** Loads the library from its jar even though the test's own class path has it too. */
    private static final class LibraryFirst extends URLClassLoader {
        LibraryFirst(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                if (name.startsWith("testlibrary.")) {
                    Class<?> loaded = findLoadedClass(name);
                    return loaded != null ? loaded : findClass(name);
                }
                return super.loadClass(name, resolve);
            }
        }
    }
}
