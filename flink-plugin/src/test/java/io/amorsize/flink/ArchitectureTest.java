package io.amorsize.flink;

import io.amorsize.testing.EngineArchitecture;
import org.junit.jupiter.api.Test;

/** The flink adapter uses the engine SPI and the public types only (see {@link EngineArchitecture}). */
class ArchitectureTest {

    @Test
    void theAdapterUsesOnlyTheSpiAndThePublicTypes() {
        EngineArchitecture.check("io.amorsize.flink");
    }
}
