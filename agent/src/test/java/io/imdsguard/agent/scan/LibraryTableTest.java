package io.imdsguard.agent.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LibraryTableTest {

    private final LibraryTable table = LibraryTable.load();

    private LibraryTable.LibraryVerdict verdict(String group, String artifact, String version) {
        return table.find(new Coordinates(group, artifact, version, Coordinates.FROM_POM))
                .verdict(version);
    }

    @Test
    void versionsCompareAsNumbers() {
        assertTrue(Versions.compare("1.11.99", "1.11.678") < 0);
        assertTrue(Versions.compare("1.12.0", "1.11.678") > 0);
        assertEquals(0, Versions.compare("2.10.21", "2.10.21"));
        assertTrue(Versions.compare("2.10.21-SNAPSHOT", "2.10.22") < 0);
    }

    @Test
    void sdkV1Before1_11_678IsV1OnlyAndToldToUpgrade() {
        LibraryTable.LibraryVerdict old = verdict("com.amazonaws", "aws-java-sdk-core", "1.11.500");
        assertEquals(Classification.V1_ONLY, old.classification);
        assertTrue(
                old.remediation.startsWith(
                        "upgrade com.amazonaws:aws-java-sdk-core 1.11.500 -> >= 1.11.678"),
                old.remediation);
        LibraryTable.LibraryVerdict current =
                verdict("com.amazonaws", "aws-java-sdk-core", "1.11.678");
        assertEquals(Classification.V2_WITH_V1_FALLBACK, current.classification);
        assertTrue(
                current.remediation.startsWith(
                        "set system property com.amazonaws.sdk.disableEc2MetadataV1=true"),
                current.remediation);
    }

    @Test
    void sdkV2RegionsBefore2_10_21IsV1OnlyAndBefore2_23_17CannotTurnTheFallbackOff() {
        assertEquals(
                Classification.V1_ONLY,
                verdict("software.amazon.awssdk", "regions", "2.10.20").classification);
        LibraryTable.LibraryVerdict middle = verdict("software.amazon.awssdk", "regions", "2.20.0");
        assertEquals(Classification.V2_WITH_V1_FALLBACK, middle.classification);
        assertTrue(
                middle.remediation.startsWith(
                        "upgrade software.amazon.awssdk:regions 2.20.0 -> >= 2.23.17 and set "
                                + "system property aws.disableEc2MetadataV1=true"),
                middle.remediation);
        assertTrue(
                verdict("software.amazon.awssdk", "auth", "2.30.0")
                        .remediation
                        .startsWith("set system property aws.disableEc2MetadataV1=true"));
        assertEquals(
                Classification.V2,
                verdict("software.amazon.awssdk", "imds", "2.30.0").classification);
    }

    @Test
    void aFileNameMatchesByArtifactAndAnotherGroupDoesNot() {
        Coordinates fromName = Coordinates.fromFileName("aws-java-sdk-core-1.11.500.jar");
        assertEquals("aws-java-sdk-core", fromName.artifactId);
        assertEquals("1.11.500", fromName.version);
        assertEquals("com.amazonaws:aws-java-sdk-core", table.find(fromName).name());
        assertNull(
                table.find(new Coordinates("org.other", "regions", "1.0", Coordinates.FROM_POM)));
        assertNull(table.find(fromName).verdict(null));
    }

    @Test
    void aRelocatedMarkerClassIsRecognised() {
        assertEquals(
                "com.amazonaws:aws-java-sdk-core",
                table.findByMarker("org.acme.shaded.com.amazonaws.util.EC2MetadataUtils").name());
        assertNull(table.findByMarker("org.acme.com.amazonaws.util.EC2MetadataUtilsTest"));
    }
}
