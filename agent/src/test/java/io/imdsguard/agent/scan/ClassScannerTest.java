package io.imdsguard.agent.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The IMDS addresses here are string constants inside class files built in the test, which the scan
 * reads as bytes: nothing is loaded or run and no socket is opened, so no network namespace is
 * needed.
 */
class ClassScannerTest {

    @Test
    void aMethodLoadingAnImdsUrlIsNamedWithItsLine() {
        Map<String, String[]> methods = new LinkedHashMap<String, String[]>();
        methods.put("greeting", new String[] {"hello"});
        methods.put(
                "region",
                new String[] {"http://169.254.169.254/latest/meta-data/placement/region"});
        ClassFinding finding =
                ClassScanner.scan(TestClasses.classWith("com/acme/Legacy", 42, methods));

        assertEquals("com.acme.Legacy", finding.className);
        assertEquals(1, finding.methods.size());
        ClassFinding.MethodUse region = finding.methods.get(0);
        assertEquals("com.acme.Legacy.region(Legacy.java:42)", region.frame(finding));
        assertEquals(EnumSet.of(ImdsMarker.PATH), region.markers);
        assertEquals(
                "http://169.254.169.254/latest/meta-data/placement/region",
                region.constants.get(0));
    }

    @Test
    void theMethodThatSendsWhatAnotherOfItsClassHoldsIsNamedToo() {
        Map<String, String[]> methods = new LinkedHashMap<String, String[]>();
        // accessKeyId() { get("/latest/meta-data/iam/..."); }  get(String path) { sends it }
        methods.put(
                "accessKeyId",
                new String[] {
                    "/latest/meta-data/iam/security-credentials/",
                    "call:get(Ljava/lang/String;)Ljava/lang/String;",
                    "call:log()V"
                });
        methods.put("get", new String[] {"call:send(Ljava/lang/String;)V"});
        methods.put("send", new String[] {});
        methods.put("log", new String[] {"log text"});
        // fetch() { read(url()); }  url() { return "http://169.254.169.254/latest/..."; }
        methods.put("fetch", new String[] {"call:url()Ljava/lang/String;"});
        methods.put(
                "url", new String[] {"http://169.254.169.254/latest/meta-data/placement/region"});
        methods.put("unrelated", new String[] {"call:other(Ljava/lang/String;)V"});
        ClassFinding finding =
                ClassScanner.scan(TestClasses.classWith("com/acme/Fetcher", 42, methods));

        Map<String, String> found = new LinkedHashMap<String, String>();
        for (ClassFinding.MethodUse method : finding.methods) {
            found.put(method.name, method.via);
            assertEquals(EnumSet.of(ImdsMarker.PATH), method.markers, method.name);
        }
        Map<String, String> expected = new LinkedHashMap<String, String>();
        expected.put("accessKeyId", null);
        expected.put("url", null);
        expected.put("get", "called with it by accessKeyId");
        expected.put("fetch", "from url");
        expected.put("send", "called with it by get");
        assertEquals(expected, found);
    }

    @Test
    void aClassWithoutImdsConstantsIsNoFinding() {
        assertNull(
                ClassScanner.scan(
                        TestClasses.classWith(
                                "com/acme/Plain",
                                3,
                                "run",
                                "https://example.com/latest",
                                "169.254.169.25",
                                "instance-database")));
    }

    @Test
    void theTokenPathAndHeaderAreTokenMarkersInAnyCase() {
        ClassFinding finding =
                ClassScanner.scan(
                        TestClasses.classWith(
                                "com/acme/V2",
                                7,
                                "token",
                                "/latest/api/token",
                                "X-AWS-EC2-Metadata-Token-TTL-Seconds"));
        assertEquals(EnumSet.of(ImdsMarker.TOKEN_PATH, ImdsMarker.TOKEN_HEADER), finding.markers());
    }

    @Test
    void eachAddressAndPathIsRecognised() {
        for (String constant :
                new String[] {
                    "169.254.169.254",
                    "http://[fd00:ec2::254]",
                    "[FD00:EC2::254]",
                    "http://instance-data/",
                    "latest/dynamic/instance-identity/document",
                    "/latest/user-data"
                }) {
            ClassFinding finding =
                    ClassScanner.scan(TestClasses.classWith("com/acme/C", 1, "m", constant));
            assertEquals(1, finding.methods.size(), constant);
        }
    }

    @Test
    void aConcatenationRecipeIsShownWithItsSplicedValuesAsBraces() {
        ClassFinding finding =
                ClassScanner.scan(
                        TestClasses.classWith(
                                "com/acme/Concat",
                                5,
                                "read",
                                "concat:\u0001/latest/meta-data/instance-id"));
        ClassFinding.MethodUse read = finding.methods.get(0);
        assertEquals(EnumSet.of(ImdsMarker.PATH), read.markers);
        assertEquals("{}/latest/meta-data/instance-id", read.constants.get(0));
    }

    @Test
    void bytesThatAreNoClassFileAreRefused() {
        assertThrows(
                RuntimeException.class,
                () -> ClassScanner.scan("not a class file at all".getBytes()));
    }
}
