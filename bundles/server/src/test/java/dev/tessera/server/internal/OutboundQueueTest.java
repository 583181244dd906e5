package dev.tessera.server.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class OutboundQueueTest {

    /** A socket whose sends complete when the test says so. */
    static final class ManualTransport implements OutboundQueue.Transport {
        final List<Frame> started = new ArrayList<>();
        final List<Runnable> completions = new ArrayList<>();
        final List<Consumer<Throwable>> failures = new ArrayList<>();
        int closed;

        @Override
        public void send(Frame frame, Runnable done, Consumer<Throwable> failed) {
            started.add(frame);
            completions.add(done);
            failures.add(failed);
        }

        @Override
        public void close() {
            closed++;
        }

        void completeNext(int index) {
            completions.get(index).run();
        }
    }

    private static Frame text(String s) {
        return new Frame.Text(s);
    }

    @Test
    void onlyOneSendIsInFlightAndOrderIsKept() {
        ManualTransport t = new ManualTransport();
        OutboundQueue q = new OutboundQueue(t, 10);
        q.send(text("1"));
        q.send(text("2"));
        q.send(text("3"));
        assertEquals(List.of(text("1")), t.started);
        t.completeNext(0);
        assertEquals(List.of(text("1"), text("2")), t.started);
        t.completeNext(1);
        t.completeNext(2);
        assertEquals(List.of(text("1"), text("2"), text("3")), t.started);
        assertEquals(0, q.pending());
    }

    @Test
    void sendsThatCompleteAtOnceDoNotRecurse() {
        int[] sent = {0};
        // Completes inside send(), like a socket with room in its buffer. 200 000 nested calls would overflow the stack.
        OutboundQueue.Transport immediate = new OutboundQueue.Transport() {
            @Override
            public void send(Frame frame, Runnable done, Consumer<Throwable> failed) {
                sent[0]++;
                done.run();
            }

            @Override
            public void close() {
            }
        };
        ManualTransport gate = new ManualTransport();
        // Queue up many frames behind a blocked send, then release into a synchronous transport.
        OutboundQueue q = new OutboundQueue(new OutboundQueue.Transport() {
            boolean first = true;

            @Override
            public void send(Frame frame, Runnable done, Consumer<Throwable> failed) {
                if (first) {
                    first = false;
                    gate.send(frame, done, failed);
                } else {
                    immediate.send(frame, done, failed);
                }
            }

            @Override
            public void close() {
            }
        }, 300_000);
        for (int i = 0; i < 200_000; i++) q.send(text(Integer.toString(i)));
        gate.completeNext(0);
        assertEquals(199_999, sent[0]);
        assertEquals(0, q.pending());
    }

    @Test
    void aSlowClientLosesPreviewsFirstThenTheConnection() {
        ManualTransport t = new ManualTransport();
        OutboundQueue q = new OutboundQueue(t, 3);
        q.send(text("in flight"));
        q.send(new Frame.Binary(new byte[] {1}));
        q.send(text("a"));
        q.send(text("b"));
        // Full: a text message pushes out the queued preview.
        q.send(text("c"));
        assertEquals(1, q.droppedPreviews());
        assertEquals(3, q.pending());
        // Full with messages only: an incoming preview is dropped ...
        q.send(new Frame.Binary(new byte[] {2}));
        assertEquals(2, q.droppedPreviews());
        assertFalse(q.isClosed());
        // ... and a message that does not fit ends the connection.
        q.send(text("d"));
        assertTrue(q.isClosed());
        assertEquals(1, t.closed);
        q.send(text("after close"));
        assertEquals(1, t.started.size());
    }

    @Test
    void aFailedSendClosesTheClient() {
        ManualTransport t = new ManualTransport();
        OutboundQueue q = new OutboundQueue(t, 3);
        q.send(text("1"));
        q.send(text("2"));
        t.failures.get(0).accept(new java.io.IOException("broken pipe"));
        assertTrue(q.isClosed());
        assertEquals(1, t.closed);
        assertEquals(1, t.started.size());
    }
}
