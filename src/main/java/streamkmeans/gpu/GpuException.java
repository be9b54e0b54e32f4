package streamkmeans.gpu;

import jcuda.driver.CUresult;

/**
 * A failure of the GPU: a CUDA call that returned an error (out of memory, launch failure, a PTX
 * the driver rejects, ...) or the CUDA library that could not be used at all. {@link #kind()} names
 * the cause in a stable form (the CUDA error name, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}), which
 * {@link FallbackLloydBackend} uses to log each cause once.
 */
public final class GpuException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String kind;

    /** A failure of kind {@code kind} described by {@code message} (one line). */
    GpuException(String kind, String message) {
        super(message);
        this.kind = kind;
    }

    /** The failure of the driver call {@code call}, which returned {@code result}. */
    static GpuException ofResult(String call, int result) {
        String name = CUresult.stringFor(result);
        return new GpuException(name, call + " failed: " + name);
    }

    /** The cause in a stable form: the CUDA error name, or a short word for non-CUDA failures. */
    public String kind() {
        return kind;
    }
}
