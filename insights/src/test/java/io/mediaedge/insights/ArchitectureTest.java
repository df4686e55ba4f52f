package io.mediaedge.insights;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The rooms of insights and their walls (README, "Insights"). Production classes only. */
class ArchitectureTest {
  private static final JavaClasses PRODUCTION = new ClassFileImporter()
      .withImportOption(new ImportOption.DoNotIncludeTests())
      .withImportOption(new ImportOption.DoNotIncludeJars())
      .importPackages("io.mediaedge.insights");

  @Test
  void roomsFormNoPackageCycles() {
    slices().matching("io.mediaedge.insights.(*)..").should().beFreeOfCycles()
        .because("a cycle makes two rooms one").check(PRODUCTION);
  }

  @Test
  void noRoomImportsTheCompositionRoot() {
    noClasses().that().resideInAPackage("io.mediaedge.insights.*..")
        .should().dependOnClassesThat().resideInAPackage("io.mediaedge.insights")
        .because("the root wires every room").check(PRODUCTION);
  }

  @Test
  void configImportsNothingOfOurs() {
    classes().that().resideInAPackage("io.mediaedge.insights.config..")
        .should().onlyDependOnClassesThat(resideOutsideOfPackage("io.mediaedge..")
            .or(resideInAPackage("io.mediaedge.insights.config..")))
        .because("config is the ground floor every room reads").check(PRODUCTION);
  }

  @Test
  void kafkaClientsOnlyInTheKafkaAdapter() {
    noClasses().that().resideOutsideOfPackage("io.mediaedge.insights.kafka..")
        .should().dependOnClassesThat().resideInAnyPackage("org.apache.kafka..", "io.vertx.kafka..")
        .because("kafka owns consuming, publishing and reading partials; the rest is testable without a broker")
        .check(PRODUCTION);
  }

  @Test
  void slotsKnowNoTransportNorHttp() {
    noClasses().that().resideInAnyPackage("io.mediaedge.insights.slots..", "io.mediaedge.insights.query..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.micrometer..",
            "io.mediaedge.insights.api..", "io.mediaedge.insights.kafka..", "io.mediaedge.insights.ingest..")
        .because("the figures are plain data the page and detection build on, whatever serves them")
        .check(PRODUCTION);
  }

  @Test
  void detectionJudgesFiguresOnlyThroughQueries() {
    noClasses().that().resideInAPackage("io.mediaedge.insights.detect..")
        .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "io.mediaedge.insights.api..",
            "io.mediaedge.insights.kafka..", "io.mediaedge.insights.ingest..", "io.mediaedge.insights.slots..")
        .because("the rule and its flags are plain logic over figures; publishing is a port the kafka room fills")
        .check(PRODUCTION);
  }

  @Test
  void apiReachesFiguresOnlyThroughQueries() {
    noClasses().that().resideInAPackage("io.mediaedge.insights.api..")
        .should().dependOnClassesThat().resideInAnyPackage("io.mediaedge.insights.kafka..",
            "io.mediaedge.insights.ingest..", "io.mediaedge.insights.slots..")
        .because("handlers render what InsightsQueries answers").check(PRODUCTION);
  }
}
