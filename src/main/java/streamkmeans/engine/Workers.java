package streamkmeans.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A small fixed pool of worker threads that runs indexed tasks and waits for all of them.
 *
 * <p>Engine code splits work into a fixed number of chunks that does not depend on the thread
 * count (see {@link Chunks}) and reduces chunk results in chunk order, so every result is
 * bit-identical whatever {@link #threads()} is. The calling thread takes part in the work.
 */
public final class Workers implements AutoCloseable {
    private static final Workers SEQUENTIAL = new Workers(1, null);

    private final int threads;
    private final ExecutorService pool;

    private Workers(int threads, ExecutorService pool) {
        this.threads = threads;
        this.pool = pool;
    }

    /** A pool of {@code threads} threads in all (the caller counts as one); 1 runs inline. */
    public static Workers create(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (threads == 1) {
            return SEQUENTIAL;
        }
        AtomicInteger id = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads - 1, r -> {
            Thread t = new Thread(r, "streamkmeans-worker-" + id.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        return new Workers(threads, pool);
    }

    /** Runs everything on the calling thread. */
    public static Workers sequential() {
        return SEQUENTIAL;
    }

    /** One thread per available processor. */
    public static Workers allProcessors() {
        return create(Runtime.getRuntime().availableProcessors());
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs {@code body.accept(i)} for every {@code i} in {@code [0, count)}, in any order and on any
     * of the threads, and returns when all are done. The first exception thrown by a task is
     * rethrown (unchecked) after the others finish.
     */
    public void forEach(int count, IntConsumer body) {
        if (count <= 0) {
            return;
        }
        if (pool == null || count == 1) {
            for (int i = 0; i < count; i++) {
                body.accept(i);
            }
            return;
        }
        AtomicInteger next = new AtomicInteger();
        Runnable drain = () -> {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                body.accept(i);
            }
        };
        int helpers = Math.min(threads - 1, count - 1);
        List<Future<?>> futures = new ArrayList<>(helpers);
        for (int h = 0; h < helpers; h++) {
            futures.add(pool.submit(drain));
        }
        RuntimeException failure = null;
        try {
            drain.run();
        } catch (RuntimeException | Error e) {
            failure = e instanceof RuntimeException re ? re : new IllegalStateException(e);
            next.set(count);
        }
        for (Future<?> f : futures) {
            try {
                f.get();
            } catch (ExecutionException e) {
                if (failure == null) {
                    Throwable cause = e.getCause();
                    failure = cause instanceof RuntimeException re ? re : new IllegalStateException(cause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                if (failure == null) {
                    failure = new IllegalStateException("interrupted while waiting for workers", e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
