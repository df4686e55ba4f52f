package io.mediaedge.edge.geo;

import com.maxmind.db.CHMCache;
import com.maxmind.db.InvalidDatabaseException;
import com.maxmind.db.Metadata;
import com.maxmind.db.Reader;
import io.mediaedge.config.ConfigException;
import io.mediaedge.config.GeoConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One configured {@code .mmdb} file: its memory-mapped reader, and the reader of its replacement
 * once the file changes. Lookups are thread-safe; {@link #replaceIfChanged} runs on one worker at
 * a time.
 */
final class GeoDatabase {
  private static final Logger log = LoggerFactory.getLogger(GeoDatabase.class);
  /** Returned by {@link #lookup} when the reader failed, so the answer is not cached. */
  static final MmdbRecord FAILED = new MmdbRecord(null, null, null, null, null, null, null, null);
  private static final InetAddress PROBE = probeAddress();

  private final String option;
  private final Path path;
  private final AtomicReference<Loaded> current;
  // Touched only by the replacement check, which never runs twice at once.
  private Stamp rejected;
  private boolean goneWarned;

  private GeoDatabase(String option, Path path, Loaded loaded) {
    this.option = option;
    this.path = path;
    this.current = new AtomicReference<>(loaded);
  }

  /** Opens {@code path}, configured as {@code option}; a file that cannot be read stops the start. */
  static GeoDatabase open(String option, Path path) {
    try {
      Loaded loaded = Loaded.open(path, Stamp.of(path));
      warnOnUnexpectedType(option, loaded.metadata.databaseType());
      return new GeoDatabase(option, path, loaded);
    } catch (IOException | RuntimeException | InternalError e) {
      throw new ConfigException("Option " + option + " names " + path.toAbsolutePath() + ", which cannot be read as"
          + " a MaxMind DB (.mmdb) file (" + reason(e) + "): point it at a GeoIP2, GeoLite2 or DB-IP .mmdb file, or"
          + " remove it, in the configuration file or with " + GeoConfig.envVariable(option) + ".", e);
    }
  }

  /** The address's record; null when the database has none; {@link #FAILED} when the read failed. */
  MmdbRecord lookup(InetAddress address) {
    Loaded loaded = current.get();
    try {
      return loaded.reader.get(address, MmdbRecord.class);
    } catch (IOException | RuntimeException | InternalError e) {
      // A reader retired a moment ago, or a file overwritten in place instead of replaced.
      if (loaded.failureLogged.compareAndSet(false, true)) {
        log.warn("GeoIP lookup in {} ({}) failed: {}; further failures of this file are not logged", option,
            path, reason(e));
      }
      return FAILED;
    }
  }

  /**
   * Opens the file again when it changed on disk (new inode, size or modification time). Returns
   * the reader it replaced, for the caller to close once in-flight lookups are done, or null. A
   * replacement that cannot be read is logged once and the loaded database stays.
   */
  Loaded replaceIfChanged() {
    Loaded loaded = current.get();
    Stamp stamp;
    try {
      stamp = Stamp.of(path);
      goneWarned = false;
    } catch (IOException e) {
      if (!goneWarned) {
        goneWarned = true;
        log.warn("GeoIP database {} ({}) cannot be read any more ({}); still answering from the one built {}",
            option, path, reason(e), builtOn(loaded.metadata));
      }
      return null;
    }
    if (stamp.equals(loaded.stamp) || stamp.equals(rejected)) {
      return null;
    }
    try {
      Loaded fresh = Loaded.open(path, stamp);
      current.set(fresh);
      rejected = null;
      log.info("GeoIP database {} reloaded: {}", option, describe(fresh));
      return loaded;
    } catch (IOException | RuntimeException | InternalError e) {
      rejected = stamp;
      log.warn("GeoIP database {} ({}) was replaced by a file that cannot be read ({}); still answering from the"
          + " one built {}", option, path, reason(e), builtOn(loaded.metadata));
      return null;
    }
  }

  String describe() {
    return option + " " + describe(current.get());
  }

  private String describe(Loaded loaded) {
    String type = loaded.metadata.databaseType();
    return path + " (" + (type == null || type.isBlank() ? "unnamed type" : type) + ", built "
        + builtOn(loaded.metadata) + ")";
  }

  void close() {
    current.get().close();
  }

  private static String builtOn(Metadata metadata) {
    return metadata.buildTime().atZone(ZoneOffset.UTC).toLocalDate().toString();
  }

  private static String reason(Throwable e) {
    String message = e.getMessage();
    return e instanceof NoSuchFileException ? "no such file"
        : message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  /** A country option holding an ASN database (or the like) still works, but tags nothing: say so. */
  private static void warnOnUnexpectedType(String option, String databaseType) {
    String type = databaseType == null ? "" : databaseType.toLowerCase(Locale.ROOT);
    boolean network = type.contains("asn") || type.contains("isp");
    boolean city = type.contains("city");
    boolean country = type.contains("country");
    boolean expected = switch (option) {
      case GeoConfig.COUNTRY_DB -> country || city || !network;
      case GeoConfig.CITY_DB -> city || !(network || country);
      default -> network || !(city || country);
    };
    if (!expected) {
      log.warn("Option {} names a {} database; it may not hold what this option is for", option, databaseType);
    }
  }

  private static InetAddress probeAddress() {
    try {
      return InetAddress.getByAddress(new byte[] {1, 1, 1, 1});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** What identifies one version of a file: geoipupdate renames a new file over the old one. */
  record Stamp(FileTime modified, long size, Object fileKey) {
    static Stamp of(Path path) throws IOException {
      BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
      return new Stamp(attributes.lastModifiedTime(), attributes.size(), attributes.fileKey());
    }
  }

  /** One opened version of the file. */
  static final class Loaded implements AutoCloseable {
    private final Reader reader;
    private final Stamp stamp;
    private final Metadata metadata;
    private final AtomicBoolean failureLogged = new AtomicBoolean();

    private Loaded(Reader reader, Stamp stamp) {
      this.reader = reader;
      this.stamp = stamp;
      this.metadata = reader.getMetadata();
    }

    static Loaded open(Path path, Stamp stamp) throws IOException {
      // Memory-mapped: the OS pages the file in; the node cache keeps decoded records that many
      // networks share (a country's record, map keys) from being decoded on every lookup.
      Reader reader = new Reader(path.toFile(), Reader.FileMode.MEMORY_MAPPED, new CHMCache());
      try {
        if (reader.getMetadata().binaryFormatMajorVersion() != 2) {
          throw new InvalidDatabaseException("binary format version "
              + reader.getMetadata().binaryFormatMajorVersion() + ", not 2");
        }
        // A damaged tree or data section fails here rather than on the first request.
        reader.get(PROBE, MmdbRecord.class);
        return new Loaded(reader, Objects.requireNonNull(stamp));
      } catch (IOException | RuntimeException | InternalError e) {
        reader.close();
        throw e;
      }
    }

    @Override
    public void close() {
      try {
        reader.close();
      } catch (IOException e) {
        log.debug("closing a GeoIP reader", e);
      }
    }
  }
}
