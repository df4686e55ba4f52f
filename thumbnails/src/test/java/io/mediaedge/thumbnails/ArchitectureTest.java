package io.mediaedge.thumbnails;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The worker's rooms: images (decode and resize, nothing else), work (the job and its runner,
 * over ports), and one adapter per outside system; no cycles, no room importing the root.
 */
class ArchitectureTest {
  private static final JavaClasses PRODUCTION = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("io.mediaedge.thumbnails");

  @Test
  void roomsFormNoCyclesAndNoneImportsTheRoot() {
    slices().matching("io.mediaedge.thumbnails.(*)..").should().beFreeOfCycles().check(PRODUCTION);
    noClasses().that().resideInAPackage("io.mediaedge.thumbnails.*..")
        .should().dependOnClassesThat().resideInAPackage("io.mediaedge.thumbnails")
        .check(PRODUCTION);
  }

  @Test
  void imagesAndConfigImportNothingOfOurs() {
    for (String room : new String[] {"images", "config"}) {
      classes().that().resideInAPackage("io.mediaedge.thumbnails." + room + "..")
          .should().onlyDependOnClassesThat(resideOutsideOfPackage("io.mediaedge..")
              .or(resideInAPackage("io.mediaedge.thumbnails." + room + "..")))
          .check(PRODUCTION);
    }
  }

  @Test
  void eachOutsideSystemOnlyInItsAdapter() {
    noClasses().that().resideOutsideOfPackage("io.mediaedge.thumbnails.kafka..")
        .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..").check(PRODUCTION);
    noClasses().that().resideOutsideOfPackage("io.mediaedge.thumbnails.storage..")
        .should().dependOnClassesThat().resideInAPackage("software.amazon.awssdk..").check(PRODUCTION);
    noClasses().that().resideOutsideOfPackage("io.mediaedge.thumbnails.cassandra..")
        .should().dependOnClassesThat().resideInAPackage("com.datastax..").check(PRODUCTION);
    noClasses().that().resideInAPackage("io.mediaedge.thumbnails.work..")
        .should().dependOnClassesThat().resideInAnyPackage("javax.imageio..", "net.coobird..")
        .because("decoding is the images room's job; work only runs it").check(PRODUCTION);
  }
}
