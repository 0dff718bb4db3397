package io.amorsize.spark;

import io.amorsize.testing.EngineArchitecture;
import org.junit.jupiter.api.Test;

/** The spark adapter uses the engine SPI and the public types only (see {@link EngineArchitecture}). */
class ArchitectureTest {

    @Test
    void theAdapterUsesOnlyTheSpiAndThePublicTypes() {
        EngineArchitecture.check("io.amorsize.spark");
    }
}
