package io.wgfleet;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaCall;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaConstructorCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package rules, checked on the compiled main classes (so a fully qualified use
 * counts as much as an import). Test code may cross them: the lab wires everything.
 */
class ArchitectureTest {

    static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.wgfleet");
    }

    /** The engine is pure: plain Java values in, values out; no Kubernetes, no API types. */
    @Test
    void theEngineDependsOnJavaAndItselfOnly() {
        classes().that().resideInAPackage("io.wgfleet.diagnosis..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.wgfleet.diagnosis..")
                .check(main);
    }

    /** ... and does no I/O and reads no clock or randomness of its own: time comes in with its input. */
    @Test
    void theEngineDoesNoIoAndHasNoClockOrRandomnessOfItsOwn() {
        noClasses().that().resideInAPackage("io.wgfleet.diagnosis..")
                .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.nio..", "java.net..")
                .check(main);
        noClasses().that().resideInAPackage("io.wgfleet.diagnosis..")
                .should().callMethodWhere(readsTheClockOrRandomness())
                .orShould().callConstructorWhere(DescribedPredicate.describe("construct a Random",
                        (JavaConstructorCall call) -> call.getTargetOwner().isAssignableTo(Random.class)))
                .check(main);
    }

    @Test
    void theAgentNeverDependsOnTheOperator() {
        noClasses().that().resideInAPackage("io.wgfleet.agent..")
                .should().dependOnClassesThat().resideInAPackage("io.wgfleet.operator..")
                .check(main);
    }

    @Test
    void theApiTypesDependOnNothingOfOurs() {
        classes().that().resideInAPackage("io.wgfleet.api..")
                .should().onlyDependOnClassesThat(resideOutsideOfPackage("io.wgfleet..").or(resideInAPackage("io.wgfleet.api..")))
                .check(main);
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.wgfleet.(**)").should().beFreeOfCycles().check(main);
    }

    private static DescribedPredicate<JavaCall<?>> readsTheClockOrRandomness() {
        return DescribedPredicate.describe("read the system clock or a random source", call -> {
            String owner = call.getTargetOwner().getName();
            String name = call.getName();
            return (owner.equals(Instant.class.getName()) && name.equals("now"))
                    || (owner.equals(LocalDateTime.class.getName()) && name.equals("now"))
                    || (owner.equals(Clock.class.getName()) && name.startsWith("system"))
                    || (owner.equals(System.class.getName()) && (name.equals("currentTimeMillis") || name.equals("nanoTime")))
                    || (owner.equals(Math.class.getName()) && name.equals("random"));
        });
    }
}
