package io.imdsguard.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class CallerScopeTest {

    private static CallerScope scope(String... prefixes) {
        return new CallerScope(Arrays.asList(prefixes));
    }

    @Test
    void aPackagePrefixAdmitsThePackageAndItsSubPackages() {
        CallerScope scope = scope("com.acme.");
        assertTrue(scope.includes("com.acme.Client"));
        assertTrue(scope.includes("com.acme.billing.InvoiceService"));
        assertTrue(scope.includes("com.acme.billing.internal.Fetcher$1"));
        assertFalse(scope.includes("com.acmeevil.Client"));
        assertFalse(scope.includes("com.acme"));
        assertFalse(scope.includes("org.other.com.acme.Client"));
        assertFalse(scope.everyCaller());
    }

    @Test
    void aClassPrefixAdmitsTheClassAndItsNestedClassesOnly() {
        CallerScope scope = scope("com.acme.Client");
        assertTrue(scope.includes("com.acme.Client"));
        assertTrue(scope.includes("com.acme.Client$Inner"));
        assertTrue(scope.includes("com.acme.Client$Inner$Deeper"));
        assertTrue(scope.includes("com.acme.Client$1"));
        assertTrue(scope.includes("com.acme.Client$$Lambda$14/0x0000000800c0b000"));
        assertFalse(
                scope.includes("com.acme.ClientOfAttacker"),
                "a class that merely starts with the name");
        assertFalse(scope.includes("com.acme.Client2"));
        assertFalse(scope.includes("com.acme.Client.Sub"), "a package named like the class");
        assertFalse(scope.includes("com.acme.Other"));
        assertFalse(scope.includes("com.acme.client"));
    }

    @Test
    void severalPrefixesAdmitWhatAnyOfThemAdmits() {
        CallerScope scope = scope("com.amazonaws.", "software.amazon.awssdk.");
        assertTrue(scope.includes("com.amazonaws.internal.EC2ResourceFetcher"));
        assertTrue(scope.includes("software.amazon.awssdk.imds.internal.DefaultEc2MetadataClient"));
        assertFalse(scope.includes("com.acme.billing.SsrfProneController"));
        assertFalse(scope.includes("software.amazon.awssdkfake.Client"));
    }

    @Test
    void theDefaultAdmitsTheSdksImdsCodeButNotTheirGeneralHttpClients() {
        CallerScope scope =
                new CallerScope(io.imdsguard.agent.config.AgentConfig.defaults().rewriteCallers());
        assertTrue(scope.includes("com.amazonaws.internal.ConnectionUtils"));
        assertTrue(scope.includes("software.amazon.awssdk.regions.internal.util.ConnectionUtils"));
        // An application can fetch a URL of an attacker's choosing through these: SSRF stays
        // closed.
        assertFalse(
                scope.includes(
                        "software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient$RequestCallable"));
        assertFalse(
                scope.includes(
                        "software.amazon.awssdk.http.apache.internal.impl.ApacheSdkHttpClient"));
        assertFalse(scope.includes("com.amazonaws.http.AmazonHttpClient"));
    }

    @Test
    void aStarAdmitsEveryCaller() {
        CallerScope scope = scope(CallerScope.EVERY_CALLER);
        assertTrue(scope.everyCaller());
        assertTrue(scope.includes("com.acme.Client"));
        assertTrue(scope.includes("Main"));
        assertTrue(scope.includes("unknown"));
        assertTrue(scope.includes("java.lang.Thread"));
    }

    @Test
    void theScopeIsFixedWhenItIsMade() {
        List<String> prefixes = new ArrayList<String>(Collections.singletonList("com.acme."));
        CallerScope scope = new CallerScope(prefixes);
        prefixes.add("*");
        prefixes.add("org.evil.");
        assertFalse(scope.includes("org.evil.Ssrf"));
        assertFalse(scope.everyCaller());
        assertEquals(Collections.singletonList("com.acme."), scope.prefixes());
    }

    @Test
    void theSuggestionNamesTheOuterClassAndItsPackage() {
        assertEquals(
                "'com.acme.billing.Client' (or its package 'com.acme.billing.')",
                CallerScope.suggestion("com.acme.billing.Client"));
        assertEquals(
                "'com.acme.billing.Client' (or its package 'com.acme.billing.')",
                CallerScope.suggestion("com.acme.billing.Client$Inner"));
        assertEquals(
                "'com.acme.billing.Client' (or its package 'com.acme.billing.')",
                CallerScope.suggestion("com.acme.billing.Client$$Lambda$3/0x0000000800c01234"));
        assertEquals("'Main'", CallerScope.suggestion("Main"));
        assertEquals("'Main'", CallerScope.suggestion("Main$1"));
    }

    @Test
    void followingEitherSuggestionAdmitsTheClass() {
        String className = "com.acme.billing.Client$Inner";
        List<String> quoted = new ArrayList<String>();
        String text = CallerScope.suggestion(className);
        for (int start = text.indexOf('\'');
                start >= 0;
                start = text.indexOf('\'', text.indexOf('\'', start + 1) + 1)) {
            quoted.add(text.substring(start + 1, text.indexOf('\'', start + 1)));
        }
        assertEquals(2, quoted.size(), text);
        for (String prefix : quoted) {
            assertTrue(scope(prefix).includes(className), prefix);
        }
    }

    /** A request the JUnit API jar (a library) made for testcallers.LibraryCallers.instanceId. */
    private static io.imdsguard.agent.detect.CallerFrames madeByALibrary() {
        StackTraceElement[] stack = {
            new StackTraceElement(
                    "sun.net.www.protocol.http.HttpURLConnection", "getInputStream", "H.java", 1),
            new StackTraceElement("org.junit.jupiter.api.Assertions", "send", "Assertions.java", 2),
            new StackTraceElement(
                    "testcallers.LibraryCallers", "instanceId", "LibraryCallers.java", 3),
        };
        Class<?>[] classes = {
            null, org.junit.jupiter.api.Assertions.class, testcallers.LibraryCallers.class
        };
        return io.imdsguard.agent.detect.CallerFrames.of(stack, classes);
    }

    @Test
    void anEntryNamingTheLibraryThatMadeTheRequestIsRefusedOnceAndAdmitsNothing() {
        List<String> told = new ArrayList<String>();
        CallerScope scope =
                new CallerScope(
                        Arrays.asList("org.junit.jupiter.api.Assertions"),
                        (entry, libraryClass, jar, siteClass) ->
                                told.add(entry + " " + libraryClass + " " + jar + " " + siteClass));
        io.imdsguard.agent.detect.CallerFrames caller = madeByALibrary();
        assertEquals("testcallers.LibraryCallers", caller.siteClass());
        assertFalse(scope.admits(caller));
        assertFalse(scope.admits(caller));
        assertEquals(1, told.size(), told.toString());
        assertTrue(
                told.get(0)
                        .startsWith(
                                "org.junit.jupiter.api.Assertions org.junit.jupiter.api.Assertions junit-jupiter-api-"),
                told.toString());
        assertTrue(told.get(0).endsWith(".jar testcallers.LibraryCallers"), told.toString());
    }

    @Test
    void theApplicationClassThatCalledTheLibraryIsWhatAnEntryAdmits() {
        List<String> told = new ArrayList<String>();
        CallerScope scope =
                new CallerScope(
                        Arrays.asList("testcallers.LibraryCallers"),
                        (entry, libraryClass, jar, siteClass) -> told.add(entry));
        assertTrue(scope.admits(madeByALibrary()));
        assertTrue(told.isEmpty());
        assertTrue(new CallerScope(Arrays.asList("*")).admits(madeByALibrary()));
    }

    @Test
    void theSuggestionNamesAnSdkImdsClassAloneNeverItsPackage() {
        assertEquals(
                "'com.amazonaws.internal.ConnectionUtils'",
                CallerScope.suggestion("com.amazonaws.internal.ConnectionUtils"));
        assertEquals(
                "'com.acme.Billing' (or its package 'com.acme.')",
                CallerScope.suggestion("com.acme.Billing$1"));
    }
}
