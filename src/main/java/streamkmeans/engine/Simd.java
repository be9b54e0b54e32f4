package streamkmeans.engine;

/**
 * Whether the engine's SIMD kernels can run in this JVM.
 *
 * <p>The vector kernels use the incubating {@code jdk.incubator.vector} module, which a JVM only
 * has when started with {@code --add-modules jdk.incubator.vector}. Classes that import it are
 * loaded only after {@link #vectorAvailable()} said yes; otherwise the engine runs scalar kernels
 * that give bit-identical results (same {@code Math.fma} sequence, same summation order).
 */
public final class Simd {
    /** Float lanes the vector kernels need: one {@link PackedPoints} block per register. */
    static final int REQUIRED_LANES = PackedPoints.LANES;

    private static final boolean VECTOR = detect();

    private Simd() {
    }

    /**
     * True when the Vector API module is present and the CPU has float registers of at least
     * {@link PackedPoints#LANES} lanes (AVX2 or better). Computed once per JVM; O(1).
     */
    public static boolean vectorAvailable() {
        return VECTOR;
    }

    private static boolean detect() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return false;
        }
        try {
            return VectorAssignKernels.preferredFloatLanes() >= REQUIRED_LANES;
        } catch (LinkageError e) {
            // The module is listed but unusable (e.g. a stripped runtime): run scalar.
            return false;
        }
    }
}
