package io.mediaedge.devstack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a JDK of a given version range for a forked server that cannot run on ours.
 *
 * <p>Cassandra 5.0 runs on Java 11 to 17 only (newer JVMs removed things it relies on), while
 * media-edge builds on 17 and may well be run on 21 or 25. The order is: the JDK named by an
 * environment variable (an explicit choice always wins, and a wrong one is an error, not silently
 * skipped), then the JVM we run in, then JDKs installed in the usual places, newest first.
 */
public final class JdkLocator {

  private static final Pattern JAVA_VERSION =
      Pattern.compile("^JAVA_VERSION=\"?(1\\.)?(\\d+)", Pattern.MULTILINE);

  /** Where package managers and installers put JDKs (Debian/Ubuntu/Fedora, macOS, SDKMAN!). */
  static final List<Path> SEARCH_ROOTS = List.of(
      Path.of("/usr/lib/jvm"),
      Path.of("/Library/Java/JavaVirtualMachines"),
      Path.of(System.getProperty("user.home"), ".sdkman", "candidates", "java"));

  private JdkLocator() {}

  /** A JDK that can run Cassandra 5.0; see {@link #locate}. */
  public static Path javaForCassandra() {
    return locate("Cassandra 5.0", 11, 17, "CASSANDRA_JAVA_HOME");
  }

  /**
   * The {@code java} launcher of a JDK whose feature version is in {@code [min, max]}.
   *
   * @param what names the server in the error message
   * @param envName the environment variable that names a JDK home explicitly
   * @throws IllegalStateException with one sentence that says what to set, when none is found
   */
  public static Path locate(String what, int min, int max, String envName) {
    return locate(what, min, max, envName, System.getenv(envName), Runtime.version().feature(),
        ForkedJvm.currentJava(), SEARCH_ROOTS);
  }

  /** The logic of {@link #locate(String, int, int, String)} with every input explicit (tests). */
  static Path locate(String what, int min, int max, String envName, String envValue,
      int currentFeature, Path currentJava, List<Path> searchRoots) {
    if (envValue != null && !envValue.isBlank()) {
      Path home = Path.of(envValue.trim());
      Path java = launcher(home);
      int version = featureVersion(home).orElse(-1);
      if (java == null || version < min || version > max) {
        throw new IllegalStateException(envName + "=" + envValue + " is not a JDK " + min + "–"
            + max + " (" + (java == null ? "no bin/java there"
                : version < 0 ? "its release file has no JAVA_VERSION" : "it is Java " + version)
            + "): point it at the home directory of a JDK " + max + " for " + what + ".");
      }
      return java;
    }
    if (currentFeature >= min && currentFeature <= max) {
      return currentJava;
    }
    record Candidate(Path java, int version) {}
    List<Candidate> found = new ArrayList<>();
    for (Path home : installedJdks(searchRoots)) {
      Path java = launcher(home);
      Optional<Integer> version = featureVersion(home);
      if (java != null && version.isPresent() && version.get() >= min && version.get() <= max) {
        found.add(new Candidate(java, version.get()));
      }
    }
    return found.stream()
        .max(Comparator.comparingInt(Candidate::version))
        .map(Candidate::java)
        .orElseThrow(() -> new IllegalStateException(what + " needs Java " + min + "–" + max
            + " but this JVM is Java " + currentFeature + " and no such JDK was found in "
            + searchRoots.stream().map(Path::toString).toList()
            + ": set " + envName + " to the home directory of a JDK " + max
            + " (e.g. export " + envName + "=/usr/lib/jvm/java-" + max + "-openjdk-amd64)."));
  }

  /**
   * The JDK homes under the roots, each once (Debian links {@code java-1.17.0-openjdk-amd64} to
   * {@code java-17-openjdk-amd64}); macOS bundles keep the home in {@code Contents/Home}.
   */
  private static List<Path> installedJdks(List<Path> roots) {
    Set<Path> homes = new LinkedHashSet<>();
    for (Path root : roots) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
        for (Path dir : dirs) {
          Path home = Files.isDirectory(dir.resolve("Contents/Home")) ? dir.resolve("Contents/Home") : dir;
          try {
            if (Files.isDirectory(home)) {
              homes.add(home.toRealPath());
            }
          } catch (IOException danglingLink) {
            // not a usable JDK; the others still are
          }
        }
      } catch (IOException unreadable) {
        // a root we may not list: look elsewhere
      }
    }
    return List.copyOf(homes);
  }

  /** {@code home/bin/java} when it is executable, otherwise null. */
  private static Path launcher(Path home) {
    String exe = System.getProperty("os.name", "").startsWith("Windows") ? "java.exe" : "java";
    Path java = home.resolve("bin").resolve(exe);
    return Files.isExecutable(java) ? java : null;
  }

  /**
   * The feature version from the JDK's {@code release} file ({@code JAVA_VERSION="17.0.15"}); every
   * JDK since 9 has one, and reading it is much cheaper than starting that JVM to ask.
   */
  static Optional<Integer> featureVersion(Path home) {
    try {
      Matcher m = JAVA_VERSION.matcher(Files.readString(home.resolve("release"), StandardCharsets.UTF_8));
      return m.find() ? Optional.of(Integer.parseInt(m.group(2))) : Optional.empty();
    } catch (IOException | RuntimeException noReleaseFile) {
      return Optional.empty();
    }
  }
}
