package dev.tessera.server.internal.http;

import dev.tessera.server.internal.ClientHub;
import dev.tessera.server.internal.EventFrames;
import dev.tessera.server.internal.Frame;
import dev.tessera.server.internal.OutboundQueue;
import dev.tessera.server.internal.PromptQueue;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;

/**
 * One WebSocket connection, on Jetty's core WebSocket API: registers with the hub on open (welcoming the client
 * with {@code status} and its sid, and the node running for it, if any), sends through an {@link OutboundQueue},
 * and leaves the hub on close. Messages from clients are read and ignored, as ComfyUI's server ignores those it
 * does not know; pings are answered; a text message that is not UTF-8 closes the connection with 1007.
 */
final class ClientSocket implements FrameHandler {

    /** A client is only told things; its own messages stay small. */
    static final long MAX_INCOMING = 64 * 1024;
    /** Clients wait quietly while other prompts run; Jetty's default of 30 s would drop them. */
    static final Duration IDLE_TIMEOUT = Duration.ofHours(1);

    private final ClientHub hub;
    private final PromptQueue queue;
    private final String requestedId;
    private final int capacity;
    private volatile CoreSession session;
    private volatile OutboundQueue channel;
    private volatile String sid;

    ClientSocket(ClientHub hub, PromptQueue queue, String requestedId, int capacity) {
        this.hub = hub;
        this.queue = queue;
        this.requestedId = requestedId;
        this.capacity = capacity;
    }

    @Override
    public void onOpen(CoreSession session, Callback callback) {
        session.setMaxTextMessageSize(MAX_INCOMING);
        session.setMaxBinaryMessageSize(MAX_INCOMING);
        session.setMaxFrameSize(MAX_INCOMING);
        session.setIdleTimeout(IDLE_TIMEOUT);
        this.session = session;
        OutboundQueue out = new OutboundQueue(new SessionTransport(session), capacity);
        channel = out;
        String id = hub.connect(requestedId, out);
        sid = id;
        callback.succeeded();
        out.send(EventFrames.status(queue.remaining(), id));
        queue.resumeFor(id).ifPresent(out::send);
        session.demand();
    }

    /** The text message being received (its frames so far), or null between text messages. */
    private ByteArrayOutputStream text;

    @Override
    public void onFrame(org.eclipse.jetty.websocket.core.Frame frame, Callback callback) {
        CoreSession s = session;
        byte op = frame.getOpCode();
        if (op == OpCode.TEXT || op == OpCode.CONTINUATION && text != null) {
            if (op == OpCode.TEXT) text = new ByteArrayOutputStream();
            ByteBuffer payload = frame.getPayload();
            if (payload != null) {
                byte[] bytes = new byte[payload.remaining()];
                payload.slice().get(bytes);
                text.writeBytes(bytes);
            }
            if (frame.isFin()) {
                boolean valid = isUtf8(text.toByteArray());
                text = null;
                if (!valid && s != null) {
                    // RFC 6455 8.1: a text message that is not UTF-8 fails the connection with 1007.
                    callback.succeeded();
                    s.close(CloseStatus.BAD_PAYLOAD, "a text message must be UTF-8", Callback.NOOP);
                    return;
                }
            }
        }
        if (op == OpCode.PING && s != null) {
            // The core API leaves pongs to the handler; Jetty queues control frames safely beside data frames.
            ByteBuffer payload = ByteBuffer.allocate(frame.getPayloadLength()).put(frame.getPayload().slice()).flip();
            s.sendFrame(new org.eclipse.jetty.websocket.core.Frame(OpCode.PONG).setPayload(payload), Callback.NOOP, false);
        }
        callback.succeeded();
        // Demand is explicit in Jetty 12's core API: ask for the next frame until the close handshake.
        if (op != OpCode.CLOSE && s != null) s.demand();
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        leave();
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus closeStatus, Callback callback) {
        leave();
        callback.succeeded();
    }

    /** Whole messages are at most {@link #MAX_INCOMING} bytes (Jetty enforces it, 1009), so they are checked whole. */
    static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private void leave() {
        OutboundQueue out = channel;
        String id = sid;
        if (out != null && id != null) hub.disconnect(id, out);
    }

    record SessionTransport(CoreSession session) implements OutboundQueue.Transport {
        @Override
        public void send(Frame frame, Runnable done, Consumer<Throwable> failed) {
            Callback callback = Callback.from(done, failed);
            if (frame instanceof Frame.Text t) {
                session.sendFrame(new org.eclipse.jetty.websocket.core.Frame(OpCode.TEXT, t.json()), callback, false);
            } else if (frame instanceof Frame.Binary b) {
                session.sendFrame(new org.eclipse.jetty.websocket.core.Frame(OpCode.BINARY, ByteBuffer.wrap(b.bytes())),
                        callback, false);
            }
        }

        @Override
        public void close() {
            if (!session.isClosed()) session.close(CloseStatus.POLICY_VIOLATION, "closed by the server", Callback.NOOP);
        }
    }
}
