package dev.tessera.server.internal;

/** A connected WebSocket client, as the hub sees it. Implementations never block the caller. */
public interface ClientChannel {

    void send(Frame frame);

    /** Ends the connection (the client is gone or too slow). */
    void close();
}
