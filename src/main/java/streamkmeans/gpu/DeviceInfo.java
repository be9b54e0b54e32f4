package streamkmeans.gpu;

import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDeviceTotalMem;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;

/**
 * What the GPU backend needs to know of a CUDA device.
 *
 * @param ordinal         device ordinal
 * @param name            marketing name, e.g. {@code NVIDIA H200}
 * @param computeMajor    compute capability, major
 * @param computeMinor    compute capability, minor
 * @param multiprocessors streaming multiprocessors (sizes persistent grids)
 * @param memoryBytes     device memory, bytes
 */
public record DeviceInfo(int ordinal, String name, int computeMajor, int computeMinor, int multiprocessors,
        long memoryBytes) {

    /** Reads the attributes of {@code device} (the driver must be initialised). */
    static DeviceInfo of(CUdevice device, int ordinal) {
        byte[] raw = new byte[256];
        Cuda.check(cuDeviceGetName(raw, raw.length, device), "cuDeviceGetName");
        int end = 0;
        while (end < raw.length && raw[end] != 0) {
            end++;
        }
        long[] memory = new long[1];
        Cuda.check(cuDeviceTotalMem(memory, device), "cuDeviceTotalMem");
        return new DeviceInfo(ordinal, new String(raw, 0, end, StandardCharsets.US_ASCII),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
                memory[0]);
    }

    private static int attribute(CUdevice device, int attribute) {
        int[] value = new int[1];
        Cuda.check(cuDeviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute");
        return value[0];
    }

    /** One line for logs and the check kit, e.g. {@code NVIDIA H200 (device 0, compute 9.0, 132 SMs, 139.8 GiB)}. */
    public String describe() {
        return String.format(Locale.ROOT, "%s (device %d, compute %d.%d, %d SMs, %.1f GiB)", name, ordinal,
                computeMajor, computeMinor, multiprocessors, memoryBytes / (double) (1L << 30));
    }
}
