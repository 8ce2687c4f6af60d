package io.imdsguard.agent.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class CallerFramesTest {

    private static StackTraceElement frame(String className, String method, String file, int line) {
        return new StackTraceElement(className, method, file, line);
    }

    private static StackTraceElement[] stack(StackTraceElement... frames) {
        return frames;
    }

    @Test
    void theSiteIsTheFirstApplicationFrameBelowAgentJdkAndClientLibraryFrames() {
        StackTraceElement[] trace =
                stack(
                        frame(
                                "io.imdsguard.agent.observe.RequestObserver",
                                "observe",
                                "RequestObserver.java",
                                40),
                        frame(
                                "io.imdsguard.agent.instrument.httpurlconnection.HttpUrlConnectionHooks",
                                "sending",
                                "HttpUrlConnectionHooks.java",
                                57),
                        frame(
                                "io.imdsguard.bootstrap.ImdsBridge",
                                "sending",
                                "ImdsBridge.java",
                                28),
                        frame(
                                "sun.net.www.protocol.http.HttpURLConnection",
                                "connect",
                                "HttpURLConnection.java",
                                1000),
                        frame(
                                "java.net.HttpURLConnection",
                                "getResponseCode",
                                "HttpURLConnection.java",
                                500),
                        frame(
                                "jdk.internal.net.http.HttpClientImpl",
                                "send",
                                "HttpClientImpl.java",
                                900),
                        frame(
                                "org.apache.http.impl.client.CloseableHttpClient",
                                "execute",
                                "CloseableHttpClient.java",
                                83),
                        frame("okhttp3.RealCall", "execute", "RealCall.java", 77),
                        frame(
                                "org.springframework.web.client.RestTemplate",
                                "doExecute",
                                "RestTemplate.java",
                                776),
                        frame(
                                "com.acme.billing.InvoiceService",
                                "loadRegion",
                                "InvoiceService.java",
                                42),
                        frame("java.util.ArrayList", "forEach", "ArrayList.java", 1511),
                        frame("com.acme.billing.Main", "main", "Main.java", 7));
        CallerFrames caller = CallerFrames.of(trace);
        assertEquals(
                "com.acme.billing.InvoiceService.loadRegion(InvoiceService.java:42)",
                caller.site());
        assertEquals(
                Arrays.asList(
                        "com.acme.billing.InvoiceService.loadRegion(InvoiceService.java:42)",
                        "java.util.ArrayList.forEach(ArrayList.java:1511)",
                        "com.acme.billing.Main.main(Main.java:7)"),
                caller.frames());
    }

    @Test
    void applicationPackagesThatMerelyShareAPrefixWithInfrastructureAreApplicationCode() {
        for (String appClass :
                new String[] {
                    "com.sunrise.Billing",
                    "javalin.App",
                    "sunny.App",
                    "jdkapp.Main",
                    "okhttp3x.App",
                    "kotlinapp.Main",
                    "io.imdsguardian.App",
                    "io.nettyapp.Main"
                }) {
            CallerFrames caller =
                    CallerFrames.of(
                            stack(
                                    frame("java.net.URL", "openConnection", "URL.java", 1),
                                    frame(appClass, "run", "App.java", 3)));
            assertEquals(appClass + ".run(App.java:3)", caller.site());
        }
    }

    @Test
    void theFrameFormatIsTheSameOnEveryJdk() {
        assertEquals(
                "com.acme.X.m(X.java:12)",
                CallerFrames.format(frame("com.acme.X", "m", "X.java", 12)));
        assertEquals(
                "com.acme.X.m(Native Method)",
                CallerFrames.format(frame("com.acme.X", "m", null, -2)));
        assertEquals(
                "com.acme.X.m(Unknown Source)",
                CallerFrames.format(frame("com.acme.X", "m", null, -1)));
        assertEquals(
                "com.acme.X.m(X.java)",
                CallerFrames.format(frame("com.acme.X", "m", "X.java", -1)));
    }

    /**
     * From Java 9 a frame also names its class loader and module, and StackTraceElement.toString()
     * shows them ("app//com.acme.X..."). The site must not: the same code would otherwise be two
     * sites on two JDKs, or under two class loaders.
     */
    @Test
    void classLoaderAndModuleNamesNeverEnterTheSite() throws Exception {
        Constructor<StackTraceElement> java9;
        try {
            java9 =
                    StackTraceElement.class.getConstructor(
                            String.class,
                            String.class,
                            String.class,
                            String.class,
                            String.class,
                            String.class,
                            int.class);
        } catch (NoSuchMethodException e) {
            Assumptions.assumeTrue(false, "Java 8 has no class loader or module names in frames");
            return;
        }
        StackTraceElement withLoader =
                java9.newInstance(
                        "app", "com.acme.billing", "1.2", "com.acme.X", "m", "X.java", 12);
        StackTraceElement other =
                java9.newInstance("tomcat-webapp", null, null, "com.acme.X", "m", "X.java", 12);
        assertTrue(
                withLoader.toString().contains("com.acme.billing"),
                "precondition: toString names the module");
        assertEquals("com.acme.X.m(X.java:12)", CallerFrames.format(withLoader));
        assertEquals("com.acme.X.m(X.java:12)", CallerFrames.format(other));
        assertEquals(
                CallerFrames.of(stack(withLoader)).site(), CallerFrames.of(stack(other)).site());
    }

    @Test
    void theTraceIsCappedButTheSiteIsKept() {
        List<StackTraceElement> frames = new ArrayList<StackTraceElement>();
        frames.add(frame("java.net.HttpURLConnection", "connect", "HttpURLConnection.java", 1));
        for (int i = 0; i < 500; i++) {
            frames.add(frame("com.acme.Recursive", "depth" + i, "Recursive.java", i));
        }
        CallerFrames caller = CallerFrames.of(frames.toArray(new StackTraceElement[0]));
        assertEquals(CallerFrames.MAX_FRAMES, caller.frames().size());
        assertTrue(CallerFrames.MAX_FRAMES <= 100, "the report must stay bounded");
        assertEquals("com.acme.Recursive.depth0(Recursive.java:0)", caller.site());
        assertEquals(caller.site(), caller.frames().get(0));
    }

    @Test
    void withoutApplicationCodeTheFirstNonAgentFrameIsUsed() {
        CallerFrames caller =
                CallerFrames.of(
                        stack(
                                frame(
                                        "io.imdsguard.agent.observe.RequestObserver",
                                        "observe",
                                        "RequestObserver.java",
                                        40),
                                frame(
                                        "io.imdsguard.bootstrap.ImdsBridge",
                                        "sending",
                                        "ImdsBridge.java",
                                        40),
                                frame(
                                        "jdk.internal.net.http.HttpClientImpl",
                                        "sendAsync",
                                        "HttpClientImpl.java",
                                        1),
                                frame("java.lang.Thread", "run", "Thread.java", 840)));
        assertEquals(
                "jdk.internal.net.http.HttpClientImpl.sendAsync(HttpClientImpl.java:1)",
                caller.site());
        for (String f : caller.frames()) {
            assertFalse(f.startsWith("io.imdsguard."), f);
        }
    }

    @Test
    void anEmptyOrAgentOnlyStackHasAnUnknownSite() {
        assertEquals("unknown", CallerFrames.of(new StackTraceElement[0]).site());
        assertTrue(CallerFrames.of(new StackTraceElement[0]).frames().isEmpty());
        CallerFrames agentOnly =
                CallerFrames.of(
                        stack(
                                frame(
                                        "io.imdsguard.agent.observe.RequestObserver",
                                        "observe",
                                        "RequestObserver.java",
                                        40)));
        assertEquals("unknown", agentOnly.site());
        assertTrue(agentOnly.frames().isEmpty());
    }

    /**
     * The walked site (StackWalker on Java 9+) is the one the full trace and its classes give (the
     * Java 8 way, and a carried origin's), and so are the frames. Below this test are JUnit's jars:
     * a library, so the site is found past it either way.
     */
    @Test
    void theCurrentThreadsSiteIsTheSameWhetherWalkedOrTakenFromTheWholeTrace() {
        CallerFrames[] both = new CallerFrames[2];
        StackTraceElement[][] trace = new StackTraceElement[1][];
        // One line, so that both see the same frames below this test (JUnit's, the first non-agent
        // code).
        both[0] = CallerFrames.ofCurrentThread();
        trace[0] = new Throwable().getStackTrace();
        both[1] = CallerFrames.of(trace[0], StackClasses.of(trace[0]));
        assertEquals(both[1].site(), both[0].site());
        assertEquals(both[1].siteClass(), both[0].siteClass());
        assertEquals(both[1].siteMethod(), both[0].siteMethod());
        assertFalse(both[0].site().startsWith("io.imdsguard."), both[0].site());
        assertEquals(both[1].frames(), both[0].frames());
    }

    /**
     * Walked sites are remembered per place in the code: two lines stay two sites, call after call.
     */
    @Test
    void callsFromTwoLinesOfOneMethodAreTwoSitesEveryTime() {
        for (int call = 0; call < 3; call++) {
            CallerFrames[] sites = testcallers.TwoCallSites.fromTwoLines();
            assertEquals("testcallers.TwoCallSites.fromTwoLines", sites[0].siteMethod());
            assertEquals("testcallers.TwoCallSites.fromTwoLines", sites[1].siteMethod());
            assertTrue(
                    sites[0].site()
                            .startsWith("testcallers.TwoCallSites.fromTwoLines(TwoCallSites.java:"),
                    sites[0].site());
            assertNotEquals(sites[0].site(), sites[1].site());
        }
    }
}
