package streamkmeans.gpu;

/**
 * How the GPU backend is used, read from system properties so that every entry point (the command
 * line, a Flink task manager's JVM options, the GPU check kit) can set it without code.
 *
 * @param device  CUDA device ordinal ({@value #DEVICE_PROPERTY}, default 0)
 * @param minWork windows whose Lloyd pass costs fewer multiply-adds than this (n·k·d) are fitted
 *                on the CPU, where a GPU's fixed costs (upload, launches, one synchronisation per
 *                iteration) outweigh its speed ({@value #MIN_WORK_PROPERTY}, default
 *                {@value #DEFAULT_MIN_WORK}; 0 sends every window to the GPU)
 * @param strict  when true a GPU failure is thrown instead of falling back to the CPU (tests and
 *                the check kit, where a silent fallback would hide a broken kernel;
 *                {@value #STRICT_PROPERTY}, default false)
 */
public record GpuSettings(int device, long minWork, boolean strict) {
    /** System property of {@link #device()}. */
    public static final String DEVICE_PROPERTY = "streamkmeans.gpu.device";
    /** System property of {@link #minWork()}. */
    public static final String MIN_WORK_PROPERTY = "streamkmeans.gpu.minWork";
    /** System property of {@link #strict()}. */
    public static final String STRICT_PROPERTY = "streamkmeans.gpu.strict";
    /**
     * Default crossover, n·k·d per pass: about where a pass on two CPU cores (≈1 ms) costs what a
     * GPU iteration's launches and synchronisation do. A guess until measured (docs/GPU.md).
     */
    public static final long DEFAULT_MIN_WORK = 1L << 20;

    public GpuSettings {
        if (device < 0) {
            throw new IllegalArgumentException("GPU device must be >= 0, got " + device);
        }
        if (minWork < 0) {
            throw new IllegalArgumentException("GPU minimum work must be >= 0, got " + minWork);
        }
    }

    /** These settings on device {@code ordinal}. */
    public GpuSettings onDevice(int ordinal) {
        return new GpuSettings(ordinal, minWork, strict);
    }

    /**
     * The settings from the system properties, defaults where unset.
     *
     * @throws IllegalArgumentException when a property is set to something that is not a number
     */
    public static GpuSettings fromSystemProperties() {
        return new GpuSettings(
                (int) number(DEVICE_PROPERTY, 0),
                number(MIN_WORK_PROPERTY, DEFAULT_MIN_WORK),
                Boolean.parseBoolean(System.getProperty(STRICT_PROPERTY, "false")));
    }

    private static long number(String property, long fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("system property " + property + " must be a number, got '" + value + "'");
        }
    }
}
