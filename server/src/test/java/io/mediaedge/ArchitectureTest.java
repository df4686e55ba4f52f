package io.mediaedge;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The rooms' walls (DESIGN.md, issue 12): which package may import what. Only production classes
 * are checked; tests may reach anywhere they need to.
 */
class ArchitectureTest {
  /** media-edge's own production classes: not its tests, nor the other modules on the test class path. */
  private static final JavaClasses PRODUCTION = new ClassFileImporter()
      .withImportOption(new ImportOption.DoNotIncludeTests())
      .withImportOption(new ImportOption.DoNotIncludeJars())
      .withImportOption(location -> !location.contains("/io/mediaedge/devstack/")
          && !location.contains("/io/mediaedge/insights/") && !location.contains("/io/mediaedge/eventschema/")
          && !location.contains("/io/mediaedge/logformat/") && !location.contains("/io/mediaedge/gracefulstop/"))
      .importPackages("io.mediaedge");

  /**
   * The adapters, and {@code history} (the ports and rows the Cassandra adapter serves): handlers
   * are to reach all of them through the media flows, not directly.
   */
  private static final String[] ADAPTER_ROOMS = {
      "io.mediaedge.storage..", "io.mediaedge.cassandra..", "io.mediaedge.history..", "io.mediaedge.events.."};

  static final ArchRule ROOMS_FORM_NO_CYCLES = slices().matching("io.mediaedge.(*)..")
      .should().beFreeOfCycles()
      .because("a cycle makes two rooms one: neither can be understood, tested or moved to its own module alone");

  static final ArchRule NO_ROOM_IMPORTS_THE_COMPOSITION_ROOT = noClasses()
      .that().resideInAPackage("io.mediaedge.*..")
      .should().dependOnClassesThat().resideInAPackage("io.mediaedge")
      .because("the composition root wires every room, so a room importing it is a cycle the slices cannot see");

  static final ArchRule CONFIG_IMPORTS_NOTHING_OF_OURS = classes()
      .that().resideInAPackage("io.mediaedge.config..")
      .should().onlyDependOnClassesThat(resideOutsideOfPackage("io.mediaedge..").or(resideInAPackage("io.mediaedge.config..")))
      .because("config is the ground floor every room reads; a room it imported could not read its own settings");

  static final ArchRule BUFFERS_IMPORT_NOTHING_OF_OURS = classes()
      .that().resideInAPackage("io.mediaedge.buffers..")
      .should().onlyDependOnClassesThat(resideOutsideOfPackage("io.mediaedge..").or(resideInAPackage("io.mediaedge.buffers..")))
      .because("received chunks pass between http, upload, storage and tus; importing any of them would tie those rooms in a cycle");

  static final ArchRule LINKS_IMPORT_NOTHING_OF_OURS = classes()
      .that().resideInAPackage("io.mediaedge.links..")
      .should().onlyDependOnClassesThat(resideOutsideOfPackage("io.mediaedge..").or(resideInAPackage("io.mediaedge.links..")))
      .because("signing and checking a link is pure arithmetic on its fields: HTTP, media and keys' origin stay outside");

  static final ArchRule AUDIT_IMPORTS_NOTHING_OF_OURS = classes()
      .that().resideInAPackage("io.mediaedge.audit..")
      .should().onlyDependOnClassesThat(resideOutsideOfPackage("io.mediaedge..").or(resideInAPackage("io.mediaedge.audit..")))
      .because("the audit judges storage and the database from outside, through its own two ports: it must not"
          + " trust the code whose promises it checks");

  static final ArchRule AWS_SDK_ONLY_IN_STORAGE = noClasses()
      .that().resideOutsideOfPackage("io.mediaedge.storage..")
      .should().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk..")
      .because("storage is the S3 adapter: a new backend or an SDK upgrade must touch one room only");

  static final ArchRule TUS_KNOWS_NO_STORAGE_BACKEND = noClasses()
      .that().resideInAnyPackage("io.mediaedge.tus..", "io.mediaedge.history..")
      .should().dependOnClassesThat().haveNameMatching("io\\.mediaedge\\.storage\\.S3.*")
      .orShould().dependOnClassesThat().resideInAnyPackage("software.amazon.awssdk..")
      .because("resumable uploads assemble their objects through the AssembledObjects port and keep its state"
          + " opaque (issue 12): S3 upload ids and part ETags belong to storage, not to the tus engine or its row");

  static final ArchRule CASSANDRA_DRIVER_ONLY_IN_HISTORY = noClasses()
      .that().resideOutsideOfPackage("io.mediaedge.cassandra..")
      .should().dependOnClassesThat().resideInAnyPackage("com.datastax..", "io.vertx.cassandra..")
      .because("cassandra is the Cassandra adapter room: rows, consistency levels and CQL stay behind the ports"
          + " it implements");

  static final ArchRule KAFKA_ONLY_IN_EVENTS = noClasses()
      .that().resideOutsideOfPackage("io.mediaedge.events..")
      .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.vertx.kafka..")
      .because("events owns publishing (outbox, relay, idempotent producer); nothing else may send around it");

  static final ArchRule LOGBACK_ONLY_IN_LOGGING = noClasses()
      .that().resideOutsideOfPackage("io.mediaedge.logging..")
      .should().dependOnClassesThat().resideInAnyPackage("ch.qos.logback..", "io.mediaedge.logformat..")
      .because("every room logs through SLF4J; only logging knows the backend that formats the lines (Logback,"
          + " and the JSON line of the log-format module on it)");

  static final ArchRule HTTP_IMPORTS_NO_ADAPTER = noClasses()
      .that().resideInAPackage("io.mediaedge.http..")
      .should().dependOnClassesThat().resideInAnyPackage(ADAPTER_ROOMS)
      .because("handlers speak HTTP and call the flows and the media port; reaching into an adapter ties the API"
          + " to one backend");

  @Test
  void roomsFormNoPackageCycles() {
    ROOMS_FORM_NO_CYCLES.check(PRODUCTION);
  }

  @Test
  void noRoomImportsTheCompositionRoot() {
    NO_ROOM_IMPORTS_THE_COMPOSITION_ROOT.check(PRODUCTION);
  }

  @Test
  void configImportsNothingOfOurs() {
    CONFIG_IMPORTS_NOTHING_OF_OURS.check(PRODUCTION);
  }

  @Test
  void buffersImportNothingOfOurs() {
    BUFFERS_IMPORT_NOTHING_OF_OURS.check(PRODUCTION);
  }

  @Test
  void linksImportNothingOfOurs() {
    LINKS_IMPORT_NOTHING_OF_OURS.check(PRODUCTION);
  }

  @Test
  void auditImportsNothingOfOurs() {
    AUDIT_IMPORTS_NOTHING_OF_OURS.check(PRODUCTION);
  }

  @Test
  void awsSdkOnlyInStorage() {
    AWS_SDK_ONLY_IN_STORAGE.check(PRODUCTION);
  }

  @Test
  void tusAndItsRowKnowNoStorageBackend() {
    TUS_KNOWS_NO_STORAGE_BACKEND.check(PRODUCTION);
  }

  @Test
  void cassandraDriverOnlyInCassandra() {
    CASSANDRA_DRIVER_ONLY_IN_HISTORY.check(PRODUCTION);
  }

  @Test
  void kafkaClientsOnlyInEvents() {
    KAFKA_ONLY_IN_EVENTS.check(PRODUCTION);
  }

  @Test
  void logbackOnlyInLogging() {
    LOGBACK_ONLY_IN_LOGGING.check(PRODUCTION);
  }

  @Test
  void httpImportsNoAdapter() {
    HTTP_IMPORTS_NO_ADAPTER.check(PRODUCTION);
  }
}
