/**
 * ComfyUI's server protocol as plain classes, testable without OSGi or a servlet container: object_info from node
 * descriptors, the prompt queue and history, engine events as WebSocket frames, and path confinement for files.
 */
package dev.tessera.server.internal;
