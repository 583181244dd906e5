package dev.tessera.server.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Sends a client's frames one at a time (a WebSocket allows one pending send) without blocking the run that
 * produces them. When a slow client lets {@code capacity} frames pile up, preview images are dropped first (the
 * next one replaces them anyway); if only messages are queued, the client is disconnected rather than letting
 * memory grow.
 */
public final class OutboundQueue implements ClientChannel {

    /** The socket underneath: starts one send and reports its end through exactly one of the callbacks. */
    public interface Transport {
        void send(Frame frame, Runnable done, Consumer<Throwable> failed);

        void close();
    }

    private static final System.Logger LOG = System.getLogger(OutboundQueue.class.getName());

    private final Transport transport;
    private final int capacity;
    private final Deque<Frame> queue = new ArrayDeque<>();
    private boolean sending;
    private boolean closed;
    private long droppedPreviews;

    public OutboundQueue(Transport transport, int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be positive: " + capacity);
        this.transport = transport;
        this.capacity = capacity;
    }

    @Override
    public void send(Frame frame) {
        boolean overflow = false;
        boolean start = false;
        synchronized (this) {
            if (closed) return;
            if (queue.size() >= capacity) {
                if (frame instanceof Frame.Binary) {
                    droppedPreviews++; // the newest preview is the one dropped
                    return;
                }
                overflow = !dropOnePreview();
            }
            if (!overflow) {
                queue.add(frame);
                start = !sending;
                sending = true;
            }
        }
        if (overflow) {
            LOG.log(System.Logger.Level.WARNING, "closing a WebSocket client that does not keep up (" + capacity
                    + " messages waiting)");
            close();
        } else if (start) {
            next();
        }
    }

    private boolean dropOnePreview() {
        for (Iterator<Frame> it = queue.iterator(); it.hasNext(); ) {
            if (it.next() instanceof Frame.Binary) {
                it.remove();
                droppedPreviews++;
                return true;
            }
        }
        return false;
    }

    /**
     * Sends queued frames until one completes asynchronously; a send that completes on this thread loops here
     * instead of recursing, so a fast socket cannot grow the stack.
     */
    private void next() {
        while (true) {
            Frame frame;
            synchronized (this) {
                frame = closed ? null : queue.poll();
                if (frame == null) {
                    sending = false;
                    return;
                }
            }
            // 0: in flight, 1: completed while send() had not returned, 2: send() returned first.
            AtomicInteger state = new AtomicInteger();
            try {
                transport.send(frame, () -> {
                    if (!state.compareAndSet(0, 1)) next();
                }, this::failed);
            } catch (RuntimeException e) {
                failed(e);
                return;
            }
            if (state.compareAndSet(0, 2)) return;
        }
    }

    private void failed(Throwable t) {
        LOG.log(System.Logger.Level.DEBUG, "WebSocket send failed; closing the client: " + t);
        close();
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
            queue.clear();
        }
        transport.close();
    }

    public synchronized int pending() {
        return queue.size();
    }

    public synchronized long droppedPreviews() {
        return droppedPreviews;
    }

    public synchronized boolean isClosed() {
        return closed;
    }
}
