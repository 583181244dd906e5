package dev.tessera.models.core.sharing;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A resource used by several handles: it closes when the last {@link Lease} on it closes. Handles (MODEL, CLIP,
 * VAE) each hold a lease, so the host's cache can close them independently and in any order.
 */
public final class Shared<T> {

    private final T value;
    private final Consumer<Shared<T>> onLastRelease;
    private int leases;
    private boolean closed;

    /**
     * @param onLastRelease called (once, under no lock of this object) when the last lease closes; it must free
     *     the value
     */
    public Shared(T value, Consumer<Shared<T>> onLastRelease) {
        this.value = Objects.requireNonNull(value, "value");
        this.onLastRelease = onLastRelease;
    }

    public T value() {
        return value;
    }

    /** A new lease; fails once the value has been released. */
    public Lease<T> lease() {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException(value + " is closed");
            }
            leases++;
        }
        return new Lease<>(this);
    }

    public synchronized int leases() {
        return leases;
    }

    public synchronized boolean isClosed() {
        return closed;
    }

    private void release() {
        boolean last;
        synchronized (this) {
            leases--;
            last = leases == 0 && !closed;
            if (last) {
                closed = true;
            }
        }
        if (last) {
            onLastRelease.accept(this);
        }
    }

    /** One holder's claim on a shared value; closing it twice is harmless. */
    public static final class Lease<T> implements AutoCloseable {

        private final Shared<T> shared;
        private final AtomicBoolean closed = new AtomicBoolean();

        private Lease(Shared<T> shared) {
            this.shared = shared;
        }

        /**
         * The value.
         *
         * @throws IllegalStateException after this lease was closed
         */
        public T get() {
            if (closed.get()) {
                throw new IllegalStateException("handle is closed: " + shared.value);
            }
            return shared.value;
        }

        /** Another lease on the same value, for a derived handle. */
        public Lease<T> share() {
            get();
            return shared.lease();
        }

        public boolean isClosed() {
            return closed.get();
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                shared.release();
            }
        }
    }
}
