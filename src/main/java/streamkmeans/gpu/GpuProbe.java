package streamkmeans.gpu;

import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDriverGetVersion;
import static jcuda.driver.JCudaDriver.cuInit;

import java.util.HashMap;
import java.util.Map;

/**
 * Whether the GPU backend can run here, checked once per device per JVM: JCuda's driver binding
 * loads (it needs the NVIDIA driver's {@code libcuda.so.1}), the driver is new enough for the
 * shipped PTX, the device exists, and a context with the kernels loaded can be created on it.
 *
 * <p>On a machine without the driver the first touch of JCuda's driver class throws
 * {@link UnsatisfiedLinkError} and every later touch {@link NoClassDefFoundError}: both are
 * {@link LinkageError}s, caught here once; the verdict is remembered, so nothing touches JCuda
 * again. Never throws.
 */
public final class GpuProbe {
    /** CUDA 13.0 as the driver reports versions: nvcc 13 writes PTX ISA 9.0, which needs it. */
    static final int REQUIRED_DRIVER_VERSION = 13000;

    private static final Map<Integer, Verdict> VERDICTS = new HashMap<>();

    private GpuProbe() {
    }

    /**
     * Whether the GPU backend can be used, and why not.
     *
     * @param usable the backend can run
     * @param detail why it cannot (one line for users), or the device and driver when it can
     * @param device the device, when usable (else null)
     */
    public record Verdict(boolean usable, String detail, DeviceInfo device) {
        static Verdict no(String reason) {
            return new Verdict(false, reason, null);
        }
    }

    /** The verdict for device {@code ordinal}, computed on the first call and then remembered. */
    public static synchronized Verdict verdict(int ordinal) {
        return VERDICTS.computeIfAbsent(ordinal, GpuProbe::probe);
    }

    private static Verdict probe(int ordinal) {
        try {
            int init = cuInit(0);
            if (init != 0) {
                return Verdict.no("the NVIDIA driver did not initialise: " + GpuException.ofResult("cuInit", init).kind());
            }
            int[] version = new int[1];
            Cuda.check(cuDriverGetVersion(version), "cuDriverGetVersion");
            if (version[0] < REQUIRED_DRIVER_VERSION) {
                return Verdict.no("the NVIDIA driver supports CUDA " + cudaVersion(version[0])
                        + ", but the GPU kernels need CUDA " + cudaVersion(REQUIRED_DRIVER_VERSION)
                        + " or newer (driver R580+)");
            }
            int[] count = new int[1];
            Cuda.check(cuDeviceGetCount(count), "cuDeviceGetCount");
            if (count[0] == 0) {
                return Verdict.no("the NVIDIA driver found no CUDA device");
            }
            if (ordinal >= count[0]) {
                return Verdict.no("CUDA device " + ordinal + " was asked for (" + GpuSettings.DEVICE_PROPERTY
                        + "), but there " + (count[0] == 1 ? "is 1 device" : "are " + count[0] + " devices"));
            }
            try (GpuContext context = GpuContext.open(ordinal)) {
                DeviceInfo info = context.device();
                return new Verdict(true, info.describe() + ", driver CUDA " + cudaVersion(version[0]), info);
            }
        } catch (LinkageError e) {
            return Verdict.no("no NVIDIA driver (JCuda's driver binding could not be loaded: " + linkFailure(e) + ")");
        } catch (GpuException e) {
            return Verdict.no(e.getMessage());
        } catch (RuntimeException e) {
            return Verdict.no("the CUDA driver failed: " + firstLine(e));
        }
    }

    private static String cudaVersion(int version) {
        return version / 1000 + "." + version % 1000 / 10;
    }

    /**
     * What stopped the native library from loading: JCuda's message runs over several lines, one of
     * which is the dynamic linker's (e.g. {@code libcuda.so.1: cannot open shared object file: ...}).
     */
    private static String linkFailure(LinkageError e) {
        String detail = firstLine(e);
        String message = e.getMessage() == null ? "" : e.getMessage();
        for (String line : message.lines().toList()) {
            int at = line.indexOf(".so: ");
            if (line.contains("UnsatisfiedLinkError") && at >= 0) {
                detail = line.substring(at + ".so: ".length()).strip();
            }
        }
        return detail;
    }

    /** The innermost message's first line: JCuda's link errors carry several lines of detail. */
    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        String line = message.strip().lines().findFirst().orElse("").strip();
        return line.length() > 160 ? line.substring(0, 157) + "..." : line;
    }
}
