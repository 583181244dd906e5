/**
 * The thin servlet layer: each endpoint is a DS component registered on the OSGi Jakarta servlet whiteboard that maps
 * a request to the protocol classes of {@code dev.tessera.server.internal}.
 */
@RequireHttpWhiteboard
package dev.tessera.server.internal.http;

import org.osgi.service.servlet.whiteboard.annotations.RequireHttpWhiteboard;
