package dev.tessera.server.internal;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * The connected WebSocket clients by client id (ComfyUI's {@code sid}). Events of a prompt go to the client that
 * submitted it; prompts without a client id, and queue status, go to everyone.
 */
@Component(service = ClientHub.class)
public final class ClientHub {

    private final Map<String, ClientChannel> clients = new ConcurrentHashMap<>();

    /**
     * Registers a client; a reconnect with the same id replaces the old connection, as in ComfyUI.
     *
     * @param requestedId the {@code clientId} query parameter, or null/blank for a fresh one
     * @return the client id (sid) in use
     */
    public String connect(String requestedId, ClientChannel channel) {
        String sid = requestedId == null || requestedId.isBlank() ? UUID.randomUUID().toString().replace("-", "") : requestedId;
        ClientChannel old = clients.put(sid, channel);
        if (old != null && old != channel) old.close();
        return sid;
    }

    /** Forgets a client, unless a newer connection already took its id. */
    public void disconnect(String sid, ClientChannel channel) {
        clients.remove(sid, channel);
    }

    /** To one client, or to every client when {@code sid} is null. A client not connected misses it. */
    public void send(String sid, Frame frame) {
        if (sid == null) {
            clients.values().forEach(c -> c.send(frame));
        } else {
            ClientChannel c = clients.get(sid);
            if (c != null) c.send(frame);
        }
    }

    public void sendAll(List<Frame> frames, String sid) {
        frames.forEach(f -> send(sid, f));
    }

    public boolean isConnected(String sid) {
        return clients.containsKey(sid);
    }

    public int size() {
        return clients.size();
    }

    @Deactivate
    void closeAll() {
        clients.values().forEach(ClientChannel::close);
        clients.clear();
    }
}
