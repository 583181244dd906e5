/**
 * The thin servlet layer: each endpoint is a DS component registered on the OSGi Jakarta servlet whiteboard that maps
 * a request to the protocol classes of {@code dev.tessera.server.internal}. Every endpoint also answers under
 * {@code /api} ({@code /api/prompt}, {@code /api/ws}, ...), as ComfyUI's server does and newer clients expect.
 */
@RequireHttpWhiteboard
package dev.tessera.server.internal.http;

import org.osgi.service.servlet.whiteboard.annotations.RequireHttpWhiteboard;
