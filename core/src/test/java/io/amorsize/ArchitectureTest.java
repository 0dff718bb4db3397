package io.amorsize;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layering of core, as code: the stages only depend downward and no two packages
 * form a cycle. The root package holds two kinds of class, told apart here: the user-facing value
 * types ("api", a leaf that imports nothing internal) and the facade on top ({@code Amorsize},
 * {@code DistributedCache}, {@code WorkloadSpec}).
 *
 * <pre>
 *   facade (Amorsize, DistributedCache, WorkloadSpec)
 *   tune        orchestration and the engine SPI
 *   cache       stores, codec, breaker          key   fingerprints, input shape, cache key
 *   recommend   optimizer, explanation
 *   model       cluster shape, cost model, simulator
 *   measure     warm-up, timing, sizes          sample   bounded samples
 *   config      typed options                   api      Recommendation, Action, Source, ...
 * </pre>
 */
class ArchitectureTest {

    /** The root package's user-facing value types: a leaf. */
    static final Set<String> API_TYPES = Set.of(
            "Action", "AmorsizeException", "BatchFunction", "Recommendation", "RecordFunction", "Source", "Ticker");

    private static JavaClasses classes;

    @BeforeAll
    static void importCore() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.amorsize");
    }

    static boolean isApi(JavaClass type) {
        JavaClass c = type.getBaseComponentType(); // Action[] belongs where Action does
        if (!c.getPackageName().equals("io.amorsize")) {
            return false;
        }
        String top = c.getName().substring("io.amorsize.".length());
        int nested = top.indexOf('$');
        return API_TYPES.contains(nested < 0 ? top : top.substring(0, nested));
    }

    private static DescribedPredicate<JavaClass> api() {
        return DescribedPredicate.describe("the root package's value types", ArchitectureTest::isApi);
    }

    private static DescribedPredicate<JavaClass> facade() {
        return DescribedPredicate.describe(
                "the root package's facade",
                c -> c.getBaseComponentType().getPackageName().equals("io.amorsize") && !isApi(c));
    }

    /** Slices: one per subpackage, and the root package split into "api" and "facade". */
    static final SliceAssignment SLICES = new SliceAssignment() {
        @Override
        public SliceIdentifier getIdentifierOf(JavaClass type) {
            JavaClass c = type.getBaseComponentType();
            String pkg = c.getPackageName();
            if (pkg.equals("io.amorsize")) {
                return SliceIdentifier.of(isApi(c) ? "api" : "facade");
            }
            if (pkg.startsWith("io.amorsize.")) {
                String rest = pkg.substring("io.amorsize.".length());
                int dot = rest.indexOf('.');
                return SliceIdentifier.of(dot < 0 ? rest : rest.substring(0, dot));
            }
            return SliceIdentifier.ignore();
        }

        @Override
        public String getDescription() {
            return "core packages (root split into api and facade)";
        }
    };

    @Test
    void noCyclesBetweenPackages() {
        slices().assignedFrom(SLICES).should().beFreeOfCycles().check(classes);
    }

    @Test
    void stagesOnlyDependDownward() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("Api")
                .definedBy(api())
                .layer("Config")
                .definedBy("io.amorsize.config..")
                .layer("Sample")
                .definedBy("io.amorsize.sample..")
                .layer("Measure")
                .definedBy("io.amorsize.measure..")
                .layer("Model")
                .definedBy("io.amorsize.model..")
                .layer("Recommend")
                .definedBy("io.amorsize.recommend..")
                .layer("Key")
                .definedBy("io.amorsize.key..")
                .layer("Cache")
                .definedBy("io.amorsize.cache..")
                .layer("Tune")
                .definedBy("io.amorsize.tune..")
                .layer("Facade")
                .definedBy(facade())
                .whereLayer("Api")
                .mayNotAccessAnyLayer()
                .whereLayer("Config")
                .mayOnlyAccessLayers("Api")
                .whereLayer("Sample")
                .mayOnlyAccessLayers("Api", "Config")
                .whereLayer("Measure")
                .mayOnlyAccessLayers("Api", "Config", "Sample")
                .whereLayer("Model")
                .mayOnlyAccessLayers("Api", "Config", "Sample", "Measure")
                .whereLayer("Recommend")
                .mayOnlyAccessLayers("Api", "Config", "Sample", "Measure", "Model")
                .whereLayer("Key")
                .mayOnlyAccessLayers("Api", "Config", "Model")
                .whereLayer("Cache")
                .mayOnlyAccessLayers("Api", "Config", "Measure", "Model", "Key")
                .whereLayer("Tune")
                .mayOnlyAccessLayers("Api", "Config", "Sample", "Measure", "Model", "Recommend", "Key", "Cache")
                .whereLayer("Facade")
                .mayOnlyAccessLayers("Api", "Config", "Sample", "Measure", "Model", "Recommend", "Key", "Cache", "Tune")
                .check(classes);
    }
}
