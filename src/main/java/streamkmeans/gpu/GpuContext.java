package streamkmeans.gpu;

import static jcuda.driver.JCudaDriver.cuCtxCreate;
import static jcuda.driver.JCudaDriver.cuCtxDestroy;
import static jcuda.driver.JCudaDriver.cuCtxPopCurrent;
import static jcuda.driver.JCudaDriver.cuCtxPushCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemsetD32Async;
import static jcuda.driver.JCudaDriver.cuMemsetD8Async;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;

/**
 * One CUDA context on one device with the kernels loaded, a stream, and grow-only pools of device
 * buffers and of pinned host memory that every window reuses.
 *
 * <p>Why a context of its own (not the device's primary context): each backend instance (one per
 * Flink task slot) then fails alone. A kernel fault leaves its context unusable; destroying that
 * context and creating a new one is the recovery, and it must not take the other slots' work with
 * it. The price is that contexts on one device take turns rather than overlapping, which costs
 * little for whole-window fits.
 *
 * <p>The context is current only inside {@link #enter()} … {@link #exit()}, so any thread may use
 * it, one at a time. Work goes to one stream; transfers go through the pinned buffer, which is
 * only written after the stream is idle. Not thread-safe.
 */
final class GpuContext implements AutoCloseable {
    /** Pools grow by this factor over a request, so slowly growing windows reallocate rarely. */
    private static final double HEADROOM = 1.25;

    private final DeviceInfo device;
    private final CUcontext context;
    private final CUmodule module;
    private final CUstream stream;
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final Map<String, Allocation> buffers = new HashMap<>();
    private Pointer pinned;
    private long pinnedBytes;
    private boolean closed;

    private record Allocation(CUdeviceptr pointer, long bytes) {
    }

    private GpuContext(DeviceInfo device, CUcontext context, CUmodule module, CUstream stream) {
        this.device = device;
        this.context = context;
        this.module = module;
        this.stream = stream;
    }

    /**
     * Creates a context on device {@code ordinal} and loads the kernels.
     *
     * @throws GpuException when the driver, the device or the PTX fails
     */
    static GpuContext open(int ordinal) {
        Cuda.check(cuInit(0), "cuInit");
        CUdevice handle = new CUdevice();
        Cuda.check(cuDeviceGet(handle, ordinal), "cuDeviceGet(" + ordinal + ")");
        DeviceInfo info = DeviceInfo.of(handle, ordinal);
        CUcontext context = new CUcontext();
        Cuda.check(cuCtxCreate(context, 0, handle), "cuCtxCreate");
        // cuCtxCreate made the context current on this thread; enter() makes it current when used.
        try {
            CUmodule module = new CUmodule();
            Cuda.check(cuModuleLoadData(module, Ptx.text()), "loading the GPU kernels (cuModuleLoadData)");
            CUstream stream = new CUstream();
            Cuda.check(cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING), "cuStreamCreate");
            Cuda.check(cuCtxPopCurrent(new CUcontext()), "cuCtxPopCurrent");
            return new GpuContext(info, context, module, stream);
        } catch (RuntimeException e) {
            // Destroying the current context also pops it.
            cuCtxDestroy(context);
            throw e;
        }
    }

    /** The device this context runs on. */
    DeviceInfo device() {
        return device;
    }

    /** Makes the context current on this thread; pair with {@link #exit()}. */
    void enter() {
        if (closed) {
            throw new IllegalStateException("GPU context is closed");
        }
        Cuda.check(cuCtxPushCurrent(context), "cuCtxPushCurrent");
    }

    /** Undoes {@link #enter()}. */
    void exit() {
        Cuda.check(cuCtxPopCurrent(new CUcontext()), "cuCtxPopCurrent");
    }

    /**
     * A device buffer of at least {@code bytes} for the role {@code name}, reused across calls; its
     * content is whatever the role's last user left (callers that need zeros clear it).
     */
    CUdeviceptr buffer(String name, long bytes) {
        Allocation current = buffers.get(name);
        if (current != null && current.bytes() >= bytes) {
            return current.pointer();
        }
        if (current != null) {
            buffers.remove(name);
            Cuda.check(cuMemFree(current.pointer()), "cuMemFree");
        }
        long size = Math.max(8, (long) Math.ceil(bytes * HEADROOM));
        CUdeviceptr pointer = new CUdeviceptr();
        Cuda.check(cuMemAlloc(pointer, size), "cuMemAlloc(" + size + " bytes for " + name + ")");
        buffers.put(name, new Allocation(pointer, size));
        return pointer;
    }

    /** Launches {@code kernel} on a 1-D grid on this context's stream (asynchronously). */
    void launch(String kernel, long grid, int block, int sharedBytes, Object... args) {
        launch(kernel, grid, 1, block, sharedBytes, args);
    }

    /** Launches {@code kernel} on a grid of {@code gridX × gridY} blocks (asynchronously). */
    void launchGrid(String kernel, long gridX, int gridY, int block, Object... args) {
        launch(kernel, gridX, gridY, block, 0, args);
    }

    private void launch(String kernel, long gridX, int gridY, int block, int sharedBytes, Object... args) {
        if (gridX < 1 || gridX > Integer.MAX_VALUE || gridY < 1 || gridY > 65_535) {
            throw new GpuException("GRID_SIZE", kernel + ": grid of " + gridX + "×" + gridY + " blocks is out of range");
        }
        Cuda.check(cuLaunchKernel(function(kernel), (int) gridX, gridY, 1, block, 1, 1, sharedBytes, stream,
                Cuda.args(args), null), "launching " + kernel);
    }

    /** Fills {@code count} 32-bit words at {@code dst} with {@code value} (asynchronously). */
    void fill32(CUdeviceptr dst, int value, long count) {
        if (count > 0) {
            Cuda.check(cuMemsetD32Async(dst, value, count, stream), "cuMemsetD32Async");
        }
    }

    /** Zeroes {@code bytes} bytes at {@code dst} (asynchronously). */
    void zero(CUdeviceptr dst, long bytes) {
        if (bytes > 0) {
            Cuda.check(cuMemsetD8Async(dst, (byte) 0, bytes, stream), "cuMemsetD8Async");
        }
    }

    /** Waits until all work on the stream is done; asynchronous errors surface here. */
    void sync() {
        Cuda.check(cuStreamSynchronize(stream), "cuStreamSynchronize");
    }

    /** Copies {@code count} floats of {@code src} from {@code offset} to {@code dst}, through pinned memory. */
    void upload(CUdeviceptr dst, float[] src, int offset, int count) {
        long bytes = (long) count * Float.BYTES;
        sync();
        staging(bytes).asFloatBuffer().put(src, offset, count);
        Cuda.check(cuMemcpyHtoDAsync(dst, pinned, bytes, stream), "cuMemcpyHtoDAsync");
        sync();
    }

    /** Copies {@code count} ints of {@code src} to {@code dst}, through pinned memory. */
    void upload(CUdeviceptr dst, int[] src, int count) {
        long bytes = (long) count * Integer.BYTES;
        sync();
        staging(bytes).asIntBuffer().put(src, 0, count);
        Cuda.check(cuMemcpyHtoDAsync(dst, pinned, bytes, stream), "cuMemcpyHtoDAsync");
        sync();
    }

    /**
     * Waits for the stream, then copies {@code bytes} from {@code src} to pinned memory and returns
     * a view of them (valid until the next transfer).
     */
    ByteBuffer download(CUdeviceptr src, long bytes) {
        sync();
        ByteBuffer view = staging(bytes);
        Cuda.check(cuMemcpyDtoHAsync(pinned, src, bytes, stream), "cuMemcpyDtoHAsync");
        sync();
        return view;
    }

    /** The pinned buffer, grown to at least {@code bytes}, as a native-order view of its first bytes. */
    private ByteBuffer staging(long bytes) {
        if (bytes > Integer.MAX_VALUE) {
            throw new GpuException("TRANSFER_SIZE", "a single transfer of " + bytes + " bytes is too large");
        }
        if (bytes > pinnedBytes) {
            if (pinned != null) {
                Cuda.check(cuMemFreeHost(pinned), "cuMemFreeHost");
                pinned = null;
                pinnedBytes = 0;
            }
            long size = Math.min(Integer.MAX_VALUE, Math.max(4096, (long) Math.ceil(bytes * HEADROOM)));
            Pointer fresh = new Pointer();
            Cuda.check(cuMemAllocHost(fresh, size), "cuMemAllocHost(" + size + " bytes)");
            pinned = fresh;
            pinnedBytes = size;
        }
        return pinned.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder());
    }

    private CUfunction function(String name) {
        CUfunction f = functions.get(name);
        if (f == null) {
            f = new CUfunction();
            Cuda.check(cuModuleGetFunction(f, module, name), "cuModuleGetFunction(" + name + ")");
            functions.put(name, f);
        }
        return f;
    }

    /**
     * Frees everything and destroys the context; best effort, since after a kernel fault the frees
     * fail and destroying the context is what releases the memory.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (cuCtxPushCurrent(context) == 0) {
            for (Allocation a : buffers.values()) {
                cuMemFree(a.pointer());
            }
            if (pinned != null) {
                cuMemFreeHost(pinned);
            }
            cuStreamDestroy(stream);
            cuModuleUnload(module);
            cuCtxPopCurrent(new CUcontext());
        }
        buffers.clear();
        cuCtxDestroy(context);
    }
}
