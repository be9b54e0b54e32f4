package streamkmeans.engine;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The SIMD switch: available in the test JVM (surefire adds the module), ready after warm-up. */
class SimdTest {

    @Test
    void vectorKernelsBecomeReadyAfterWarmUp() {
        assertTrue(Simd.vectorAvailable(), "surefire runs tests with --add-modules jdk.incubator.vector");
        assertTrue(Simd.awaitVectorReady());
        assertTrue(Simd.vectorReady());
        assertTrue(AssignKernels.best().vectorized());
    }
}
