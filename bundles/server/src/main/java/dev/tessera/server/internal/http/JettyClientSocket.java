package dev.tessera.server.internal.http;

import dev.tessera.server.internal.ClientHub;
import dev.tessera.server.internal.EventFrames;
import dev.tessera.server.internal.Frame;
import dev.tessera.server.internal.OutboundQueue;
import dev.tessera.server.internal.PromptQueue;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.function.Consumer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;

/**
 * One WebSocket connection: registers with the hub on open (welcoming the client with {@code status} and its sid,
 * and the node running for it, if any), sends through an {@link OutboundQueue}, and leaves the hub on close.
 * Messages from clients are ignored, as ComfyUI's server ignores those it does not know. Public because Jetty
 * reaches the listener methods through method handles.
 */
public final class JettyClientSocket implements Session.Listener.AutoDemanding {

    /** A client is only told things; its own messages stay small. */
    private static final long MAX_INCOMING = 64 * 1024;
    /** Clients wait quietly while other prompts run; Jetty's default of 30 s would drop them. */
    private static final Duration IDLE_TIMEOUT = Duration.ofHours(1);

    private final ClientHub hub;
    private final PromptQueue queue;
    private final String requestedId;
    private final int capacity;
    private volatile OutboundQueue channel;
    private volatile String sid;

    JettyClientSocket(ClientHub hub, PromptQueue queue, String requestedId, int capacity) {
        this.hub = hub;
        this.queue = queue;
        this.requestedId = requestedId;
        this.capacity = capacity;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        session.setMaxTextMessageSize(MAX_INCOMING);
        session.setMaxBinaryMessageSize(MAX_INCOMING);
        session.setIdleTimeout(IDLE_TIMEOUT);
        OutboundQueue out = new OutboundQueue(new SessionTransport(session), capacity);
        channel = out;
        String id = hub.connect(requestedId, out);
        sid = id;
        out.send(EventFrames.status(queue.remaining(), id));
        queue.resumeFor(id).ifPresent(out::send);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        leave();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        leave();
    }

    private void leave() {
        OutboundQueue out = channel;
        if (out != null && sid != null) hub.disconnect(sid, out);
    }

    private record SessionTransport(Session session) implements OutboundQueue.Transport {
        @Override
        public void send(Frame frame, Runnable done, Consumer<Throwable> failed) {
            Callback callback = Callback.from(done, failed);
            if (frame instanceof Frame.Text t) {
                session.sendText(t.json(), callback);
            } else if (frame instanceof Frame.Binary b) {
                session.sendBinary(ByteBuffer.wrap(b.bytes()), callback);
            }
        }

        @Override
        public void close() {
            if (session.isOpen()) session.close(StatusCode.POLICY_VIOLATION, "closed by the server", Callback.NOOP);
        }
    }
}
