package io.masthead.webhook;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "io.masthead.webhook", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule domainModelIsPlainJava = noClasses().that().resideInAPackage("..model..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.r2dbc..",
                    "org.apache.kafka..", "reactor..", "tools.jackson..", "io.masthead.events..", "io.netty..",
                    "io.micrometer..")
            .because("business rules are tested without Spring, the database, Kafka or the network");

    @ArchTest
    static final ArchRule webDoesNotReachIntoTheDatabase = noClasses().that().resideInAPackage("..web..")
            .should().dependOnClassesThat().resideInAPackage("..infrastructure..")
            .because("HTTP handlers go through the application services");
}
