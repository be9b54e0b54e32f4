package streamkmeans.gpu;

import jcuda.NativePointerObject;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUresult;

/** Checks of driver-API return codes and packing of kernel arguments. */
final class Cuda {
    private Cuda() {
    }

    /**
     * Throws a {@link GpuException} naming {@code call} unless {@code result} is
     * {@code CUDA_SUCCESS}. JCuda's own exceptions stay off: every call is checked here.
     */
    static void check(int result, String call) {
        if (result != CUresult.CUDA_SUCCESS) {
            throw GpuException.ofResult(call, result);
        }
    }

    /**
     * The kernel-parameter array of a launch: each value as the kernel declares it (a device
     * pointer, {@code Integer} for int, {@code Long} for long long, {@code Double}, {@code Float}).
     */
    static Pointer args(Object... values) {
        NativePointerObject[] pointers = new NativePointerObject[values.length];
        for (int i = 0; i < values.length; i++) {
            Object v = values[i];
            if (v instanceof CUdeviceptr p) {
                pointers[i] = Pointer.to(p);
            } else if (v instanceof Integer x) {
                pointers[i] = Pointer.to(new int[] {x});
            } else if (v instanceof Long x) {
                pointers[i] = Pointer.to(new long[] {x});
            } else if (v instanceof Double x) {
                pointers[i] = Pointer.to(new double[] {x});
            } else if (v instanceof Float x) {
                pointers[i] = Pointer.to(new float[] {x});
            } else {
                throw new IllegalArgumentException("unsupported kernel argument " + v);
            }
        }
        return Pointer.to(pointers);
    }
}
