package io.mediaedge.devstack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** How the JDK for Cassandra is chosen, against fake JDK directories. */
@DisabledOnOs(OS.WINDOWS) // the fake launchers rely on POSIX permissions
class JdkLocatorTest {

  private static final Path CURRENT = Path.of("/current/bin/java");

  @TempDir Path root;

  @Test
  void theRunningJvmIsUsedWhenItsVersionFits() {
    assertEquals(CURRENT, locate(null, 17));
  }

  @Test
  void aNewerRunningJvmFallsBackToTheNewestFittingInstalledJdk() throws IOException {
    fakeJdk("jdk-11", "11.0.2");
    Path jdk17 = fakeJdk("jdk-17", "17.0.15");
    fakeJdk("jdk-25", "25.0.3");
    fakeJdk("jdk-8", "1.8.0_402");
    assertEquals(jdk17.resolve("bin/java"), locate(null, 25));
  }

  @Test
  void theEnvironmentVariableWinsOverTheRunningJvm() throws IOException {
    Path jdk11 = fakeJdk("jdk-11", "11.0.2");
    assertEquals(jdk11.resolve("bin/java"), locate(jdk11.toString(), 17));
  }

  @Test
  void aWrongEnvironmentVariableIsAnErrorNotSkipped() throws IOException {
    Path jdk25 = fakeJdk("jdk-25", "25.0.3");
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> locate(jdk25.toString(), 17));
    assertTrue(e.getMessage().contains("it is Java 25"), e.getMessage());
  }

  @Test
  void nothingFittingEndsWithOneSentenceNamingTheVariable() throws IOException {
    fakeJdk("jdk-25", "25.0.3");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> locate(null, 25));
    assertTrue(e.getMessage().contains("set CASSANDRA_JAVA_HOME"), e.getMessage());
    assertTrue(e.getMessage().contains("this JVM is Java 25"), e.getMessage());
  }

  private Path locate(String envValue, int currentFeature) {
    return JdkLocator.locate("Cassandra 5.0", 11, 17, "CASSANDRA_JAVA_HOME", envValue,
        currentFeature, CURRENT, List.of(root, root.resolve("absent")));
  }

  private Path fakeJdk(String name, String version) throws IOException {
    Path home = Files.createDirectories(root.resolve(name));
    Files.writeString(home.resolve("release"),
        "IMPLEMENTOR=\"test\"\nJAVA_RUNTIME_VERSION=\"x\"\nJAVA_VERSION=\"" + version + "\"\n");
    Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
    Files.writeString(java, "#!/bin/sh\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return home.toRealPath();
  }
}
