package io.amorsize.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.Set;

/**
 * The rule every engine adapter module proves in its own ArchitectureTest: an engine uses the SPI
 * ({@code io.amorsize.tune}), the public value types and the stage types it passes through the SPI
 * (options, cluster shape, workload, input shape, measurer, sample) — never a store implementation,
 * the codec, the optimizer, the cost model or the {@code Tuner} behind the pipeline.
 */
public final class EngineArchitecture {

    /** The cache types an engine may name: the store interface, its hit, and the one store factory. */
    static final Set<String> CACHE_API = Set.of(
            "io.amorsize.cache.RecommendationStore",
            "io.amorsize.cache.CacheHit",
            "io.amorsize.cache.CacheEntry",
            "io.amorsize.cache.SharedStores");

    /** Core internals an engine must not reach past the SPI. */
    /** The decision-driven stop an engine attaches to the Measurer it runs on its cluster. */
    static final String STOP_RULE = "io.amorsize.recommend.DecisionStopRule";

    static final Set<String> INTERNAL_TYPES =
            Set.of("io.amorsize.tune.Tuner", "io.amorsize.model.CostModel", "io.amorsize.model.Simulator");

    private EngineArchitecture() {}

    /** Checks the rule for the main classes under {@code enginePackage}; throws AssertionError on a violation. */
    public static void check(String enginePackage) {
        JavaClasses engine = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
                .importPackages(enginePackage);
        if (engine.isEmpty()) {
            throw new AssertionError("no classes found under " + enginePackage);
        }
        noClasses()
                .that()
                .resideInAPackage(enginePackage + "..")
                .should()
                .dependOnClassesThat(internal())
                .because("engines go through the SPI in io.amorsize.tune and the public types")
                .check(engine);
    }

    private static DescribedPredicate<JavaClass> internal() {
        return DescribedPredicate.describe("core internals (store implementations, codec, optimizer, Tuner)", c -> {
            String name = c.getBaseComponentType().getName();
            int nested = name.indexOf('$');
            String top = nested < 0 ? name : name.substring(0, nested);
            if (INTERNAL_TYPES.contains(top)) {
                return true;
            }
            if (top.startsWith("io.amorsize.cache.")) {
                return !CACHE_API.contains(top);
            }
            // the one recommend type an engine uses: the stop rule it attaches where it measures
            return top.startsWith("io.amorsize.recommend.") && !top.equals(STOP_RULE);
        });
    }
}
