package streamkmeans.gpu;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The compiled kernels: {@code src/main/cuda/kmeans.cu} as PTX (made by {@code scripts/build-ptx}),
 * a class-path resource the driver compiles for the device when the module is loaded.
 */
final class Ptx {
    /** Class-path location of the PTX. */
    static final String RESOURCE = "/streamkmeans/gpu/kmeans.ptx";

    private Ptx() {
    }

    /** The PTX text. */
    static String text() {
        try (InputStream in = Ptx.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new GpuException("NO_PTX", "the GPU kernels " + RESOURCE + " are missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
