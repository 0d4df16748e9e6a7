package io.masthead.test.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The shape every service keeps: packages by business concept, each with {@code model}, {@code application},
 * {@code infrastructure} and {@code web}. A service's {@code ArchitectureTest} includes these rules with
 * {@code @ArchTest static final ArchTests rules = ArchTests.in(ServiceArchitecture.class);}.
 */
public final class ServiceArchitecture {

    private ServiceArchitecture() {
    }

    @ArchTest
    public static final ArchRule domainModelIsPlainJava = noClasses().that().resideInAPackage("..model..")
            .should().dependOnClassesThat().resideInAnyPackage("org.springframework..", "io.r2dbc..",
                    "org.apache.kafka..", "reactor..", "tools.jackson..", "io.masthead.events..", "io.netty..",
                    "io.micrometer..")
            .because("business rules are tested without Spring, the database, Kafka or the network");

    @ArchTest
    public static final ArchRule webDoesNotReachIntoTheDatabase = noClasses().that().resideInAPackage("..web..")
            .should().dependOnClassesThat().resideInAPackage("..infrastructure..")
            .because("HTTP handlers go through the application services");

    @ArchTest
    public static final ArchRule modelDoesNotReachOut = noClasses().that().resideInAPackage("..model..")
            .should().dependOnClassesThat().resideInAnyPackage("..application..", "..infrastructure..", "..web..")
            .because("the domain model is the centre: everything depends on it, it depends on nothing of the service");
}
