package dev.tessera.graph.api;

import java.util.function.Supplier;

/**
 * Resources that live as long as one run of a workflow (native tensors above all). Whatever is attached is closed
 * when the run ends, in reverse order of attachment, whether the run succeeded, failed or was interrupted.
 * Values a node returns as outputs are not part of it: the host's output cache owns those.
 */
public interface ResourceScope {

    /** Closes {@code resource} when the run ends; returns it for chaining. */
    <T extends AutoCloseable> T attach(T resource);

    /**
     * The one resource of this run under {@code key}, created by {@code factory} on first use and attached to
     * this scope; lets a bundle keep e.g. one tensor manager per run.
     */
    <T extends AutoCloseable> T shared(Object key, Supplier<T> factory);
}
