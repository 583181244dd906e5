package dev.tessera.graph.engine.internal;

import dev.tessera.graph.engine.ExecutionEvent;
import dev.tessera.graph.engine.ExecutionListener;

/** Delivers events to the caller's listener; a listener that throws is logged, never allowed to break the run. */
final class EventSink {

    private static final System.Logger LOG = System.getLogger(EventSink.class.getName());

    private final ExecutionListener listener;

    EventSink(ExecutionListener listener) {
        this.listener = listener == null ? ExecutionListener.NONE : listener;
    }

    void emit(ExecutionEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "execution listener failed on " + event.type() + ": " + e);
        }
    }
}
