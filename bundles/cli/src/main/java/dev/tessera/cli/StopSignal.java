package dev.tessera.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl+C and SIGTERM for a long command: while it is open, a shutdown of the JVM raises {@link #requested()} and
 * waits (at most two minutes) until the command closes it, so the command can end its step and write what it has
 * (a checkpoint, partial results) before the process goes.
 */
public final class StopSignal implements AutoCloseable {

    private static final long GRACE_SECONDS = 120;

    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    private StopSignal(String name) {
        this.hook = new Thread(() -> {
            requested.set(true);
            try {
                finished.await(GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, name);
    }

    /** Starts listening; {@code name} names the shutdown hook's thread. */
    public static StopSignal install(String name) {
        StopSignal signal = new StopSignal(name);
        Runtime.getRuntime().addShutdownHook(signal.hook);
        return signal;
    }

    /** Whether a stop was asked for. */
    public boolean requested() {
        return requested.get();
    }

    /** The command is done: a shutdown in progress may go on; a later one no longer waits. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it returns now that finished is counted down
        }
    }
}
