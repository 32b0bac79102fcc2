package dev.parley.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** Keeps the dependency direction honest: features never reach into the HTTP adapter's wiring. */
class PackageRulesTest {

  static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.parley");

  @Test
  void onlyTheHttpAdapterBuildsTheRouterOfTheWholeApp() {
    noClasses().that().resideOutsideOfPackages("dev.parley.http..", "dev.parley")
        .should().dependOnClassesThat().haveSimpleName("HttpVerticle")
        .check(CLASSES);
  }

  @Test
  void theDatabaseAndEmbeddedAdaptersKnowNoFeature() {
    noClasses().that().resideInAnyPackage("dev.parley.db..", "dev.parley.embedded..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.parley.messaging..", "dev.parley.auth..",
            "dev.parley.directory..", "dev.parley.notify..", "dev.parley.inbound..", "dev.parley.realtime..",
            "dev.parley.settings..")
        .check(CLASSES);
  }

  @Test
  void theEventLogDoesNotDependOnWhoWritesIt() {
    noClasses().that().resideInAPackage("dev.parley.events..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.parley.messaging..", "dev.parley.http..")
        .check(CLASSES);
  }

  @Test
  void nothingButMessagingWritesMessages() {
    noClasses().that().resideOutsideOfPackages("dev.parley.messaging..", "dev.parley.http..")
        .should().dependOnClassesThat().haveSimpleName("MessagingService")
        .allowEmptyShould(true)
        .check(CLASSES.that(com.tngtech.archunit.base.DescribedPredicate.not(
            com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage("dev.parley.inbound.."))));
  }
}
