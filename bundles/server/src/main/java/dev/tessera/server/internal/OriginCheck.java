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

    /**
     * As {@link #refusal(String, String, boolean)}, and an origin the administrator allowed passes
     * ({@code tessera.server.allowedOrigins}: a web application on another host that drives this server).
     *
     * @param allowed allowed origins, lower case ({@link ServerConfig#allowedOrigins()})
     */
    public static String refusal(String origin, String host, boolean secure, java.util.Collection<String> allowed) {
        if (origin != null && allowed.contains(origin.strip().toLowerCase(Locale.ROOT))) return null;
        return refusal(origin, host, secure);
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

    /**
     * DNS rebinding: a page of another site whose name is made to resolve to 127.0.0.1 reaches a loopback server with
     * its own name in {@code Host} (and a matching {@code Origin}). A server reached on a loopback address therefore
     * only answers to loopback names: {@code localhost}, {@code *.localhost}, {@code 127.x.x.x}, {@code [::1]}, and
     * this machine's own name (which Debian maps to 127.0.1.1).
     *
     * @param localAddress the address the request came in on (the servlet's {@code getLocalAddr()})
     * @param machineName  this machine's host name, or null
     * @return null when allowed, else why not
     */
    public static String hostRefusal(String host, String localAddress, String machineName) {
        if (localAddress == null || !isLoopbackAddress(localAddress)) return null;
        if (host == null || host.isBlank()) return null; // HTTP/1.0 without Host: no name to rebind
        String h = host.strip().toLowerCase(Locale.ROOT);
        String name;
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            name = end < 0 ? h : h.substring(1, end);
        } else {
            int colon = h.lastIndexOf(':');
            name = colon < 0 ? h : h.substring(0, colon);
        }
        if (name.equals("localhost") || name.endsWith(".localhost") || name.equals("::1")
                || (machineName != null && name.equals(machineName.toLowerCase(Locale.ROOT)))
                || name.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")) {
            return null;
        }
        return "Host '" + host + "' is not a loopback name: this server listens on loopback only and answers to"
                + " localhost, 127.0.0.1 or [::1] (a request naming another host is a DNS rebinding attempt)";
    }

    /** This machine's host name, or null when it cannot be had. */
    public static String machineName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static boolean isLoopbackAddress(String address) {
        String a = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
        return a.startsWith("127.") || a.equals("::1") || a.equals("0:0:0:0:0:0:0:1") || a.startsWith("::ffff:127.");
    }

    private static int defaultPort(String scheme) {
        return scheme.equalsIgnoreCase("https") || scheme.equalsIgnoreCase("wss") ? 443 : 80;
    }
}
