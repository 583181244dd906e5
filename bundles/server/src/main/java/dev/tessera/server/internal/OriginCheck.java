package dev.tessera.server.internal;

import java.net.URI;
import java.util.Locale;

/**
 * Refuses requests a web page of another site makes through the user's browser (CSRF against a local server, and
 * DNS rebinding): when a request carries an {@code Origin}, its host and port must be those of the {@code Host}
 * header, as ComfyUI's origin check does. Requests without {@code Origin} (scripts, curl, same-origin GETs) pass.
 */
public final class OriginCheck {

    private OriginCheck() {
    }

    /** @return null when allowed, else why not */
    public static String refusal(String origin, String host, boolean secure) {
        if (origin == null) return null;
        if (host == null || host.isBlank()) return "a request with an Origin header must have a Host header";
        URI uri;
        try {
            uri = URI.create(origin.strip());
        } catch (IllegalArgumentException e) {
            return "Origin '" + origin + "' is not a URL";
        }
        if (uri.getScheme() == null || uri.getHost() == null) return "Origin '" + origin + "' is not allowed";
        int originPort = uri.getPort() != -1 ? uri.getPort() : defaultPort(uri.getScheme());
        String originHost = uri.getHost().toLowerCase(Locale.ROOT);
        String h = host.strip().toLowerCase(Locale.ROOT);
        String hostName;
        int hostPort;
        int colon = h.lastIndexOf(':');
        if (colon > h.lastIndexOf(']')) {
            hostName = h.substring(0, colon);
            try {
                hostPort = Integer.parseInt(h.substring(colon + 1));
            } catch (NumberFormatException e) {
                return "Host '" + host + "' has a bad port";
            }
        } else {
            hostName = h;
            hostPort = secure ? 443 : 80;
        }
        if (hostName.equals(originHost) && hostPort == originPort) return null;
        return "cross-origin request refused: Origin " + origin + " does not match Host " + host;
    }

    private static int defaultPort(String scheme) {
        return scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("wss") ? 443 : 80;
    }
}
