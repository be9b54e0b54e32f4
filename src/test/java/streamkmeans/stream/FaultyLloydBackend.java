package streamkmeans.stream;

import java.io.Serializable;
import streamkmeans.engine.CpuLloydBackend;
import streamkmeans.engine.LloydBackend;
import streamkmeans.engine.LloydResult;
import streamkmeans.engine.LloydSettings;
import streamkmeans.engine.PackedPoints;

/**
 * A test double of a failing accelerator: the CPU backend under another name, which throws what
 * its {@link Fault} says on the calls (runs and assignments) of chosen windows.
 */
final class FaultyLloydBackend implements LloydBackend {

    /** What a call on a window of {@code points} points throws, or null when it succeeds. */
    @FunctionalInterface
    interface Fault extends Serializable {
        Throwable on(int points);
    }

    private final LloydBackend cpu;
    private final String name;
    private final Fault fault;

    private FaultyLloydBackend(LloydBackend cpu, String name, Fault fault) {
        this.cpu = cpu;
        this.name = name;
        this.fault = fault;
    }

    /** Backends named {@code name} that fail as {@code fault} says. */
    static BackendFactory factory(String name, Fault fault) {
        return (workers, device) -> new FaultyLloydBackend(new CpuLloydBackend(workers), name, fault);
    }

    /** A fault on windows of exactly {@code points} points: a RuntimeException as a broken backend throws. */
    static Fault onWindowsOf(int points, String message) {
        return n -> n == points ? new IllegalStateException(message + " (" + n + " points)") : null;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public LloydResult run(PackedPoints points, float[] initialCentroids, int k, LloydSettings settings) {
        check(points);
        return cpu.run(points, initialCentroids, k, settings);
    }

    @Override
    public double assign(PackedPoints points, float[] centroids, int k, int[] labels) {
        check(points);
        return cpu.assign(points, centroids, k, labels);
    }

    private void check(PackedPoints points) {
        Throwable t = fault.on(points.size());
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new AssertionError("a fault must be unchecked, got " + t);
        }
    }

    @Override
    public void close() {
        cpu.close();
    }
}
