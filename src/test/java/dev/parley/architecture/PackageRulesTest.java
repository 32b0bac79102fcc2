package dev.parley.architecture;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.CompositeArchRule;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.implement;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.HasName.Predicates.nameMatching;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * Keeps the dependency direction honest: the adapters ({@code http}, {@code db}, {@code embedded})
 * know no feature, and a feature reaches the HTTP adapter only from the classes that plug into it.
 */
class PackageRulesTest {

  static final JavaClasses CLASSES = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("dev.parley");

  /** Every package that holds a feature of Parley (the adapters and the root assembly are not features). */
  static final String[] FEATURES = {"dev.parley.messaging..", "dev.parley.auth..", "dev.parley.directory..",
      "dev.parley.settings..", "dev.parley.notify..", "dev.parley.inbound..", "dev.parley.realtime..",
      "dev.parley.audit..", "dev.parley.events..", "dev.parley.files.."};

  /** What a feature's routes may use of the HTTP adapter: its seams, and the readers and writers of a request. */
  static final String HTTP_SEAMS = "dev\\.parley\\.http\\.(Routes|FailureHook|Reply|Body|Admission)(\\$.*)?";

  @Test
  void onlyTheHttpAdapterBuildsTheRouterOfTheWholeApp() {
    noClasses().that().resideOutsideOfPackages("dev.parley.http..", "dev.parley")
        .should().dependOnClassesThat().haveSimpleName("HttpVerticle")
        .check(CLASSES);
  }

  @Test
  void theHttpAdapterKnowsNoFeature() {
    noClasses().that().resideInAPackage("dev.parley.http..")
        .should().dependOnClassesThat().resideInAnyPackage(FEATURES)
        .check(CLASSES);
  }

  /**
   * A feature's routes (its {@code http.Routes}) and its failure hook plug into the adapter and may use
   * its seams: {@code Routes}, {@code FailureHook}, {@code Reply}, {@code Body} (reading the request) and
   * {@code Admission} (the request's deadline). Nothing else of a feature (commands, services, stores)
   * imports {@code http} at all: commands validate themselves with {@code dev.parley.Fields}.
   */
  @Test
  void featuresReachTheHttpAdapterOnlyFromTheirRoutesAndOnlyThroughItsSeams() {
    DescribedPredicate<JavaClass> pluggedIn = implement("dev.parley.http.Routes").or(implement("dev.parley.http.FailureHook"))
        .as("plug into the HTTP adapter");
    CompositeArchRule.of(
            noClasses().that().resideInAnyPackage(FEATURES).and(not(pluggedIn))
                .should().dependOnClassesThat().resideInAPackage("dev.parley.http.."))
        .and(noClasses().that().resideInAnyPackage(FEATURES)
            .should().dependOnClassesThat(resideInAPackage("dev.parley.http..").and(not(nameMatching(HTTP_SEAMS)))))
        .check(CLASSES);
  }

  @Test
  void theDatabaseAndEmbeddedAdaptersKnowNoFeature() {
    noClasses().that().resideInAnyPackage("dev.parley.db..", "dev.parley.embedded..")
        .should().dependOnClassesThat().resideInAnyPackage(FEATURES)
        .check(CLASSES);
  }

  /** The log's fields are set by the HTTP adapter and the authenticator; the logs import neither side. */
  @Test
  void theLogsKnowNoFeatureAndNoAdapter() {
    noClasses().that().resideInAPackage("dev.parley.logs..")
        .should().dependOnClassesThat().resideInAnyPackage(FEATURES)
        .orShould().dependOnClassesThat().resideInAnyPackage("dev.parley.http..", "dev.parley.db..", "dev.parley.embedded..")
        .check(CLASSES);
  }

  /** Files are below messaging: messaging claims them, they know nothing of messages' other rows. */
  @Test
  void filesDoNotDependOnMessaging() {
    noClasses().that().resideInAPackage("dev.parley.files..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.parley.messaging..", "dev.parley.inbound..")
        .check(CLASSES);
  }

  @Test
  void theEventLogDoesNotDependOnWhoWritesIt() {
    noClasses().that().resideInAPackage("dev.parley.events..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.parley.messaging..", "dev.parley.http..")
        .check(CLASSES);
  }

  /**
   * Messages are written through messaging's service alone. Outside messaging, only the node assembly
   * (which builds it for the routes, and for the demo company's conversations) and inbound's
   * {@code Ingest} (which posts an emailed reply as its sender) hold one; the rest of inbound is held to
   * the rule like every other package.
   */
  @Test
  void nothingButMessagingWritesMessages() {
    noClasses().that().resideOutsideOfPackage("dev.parley.messaging..")
        .and().doNotHaveFullyQualifiedName("dev.parley.Endpoints")
        .and().doNotHaveFullyQualifiedName("dev.parley.DemoConversations")
        .and().doNotHaveFullyQualifiedName("dev.parley.DemoConversations$Seeder")
        .and().doNotHaveFullyQualifiedName("dev.parley.inbound.Ingest")
        .should().dependOnClassesThat().haveSimpleName("MessagingService")
        .check(CLASSES);
  }
}
