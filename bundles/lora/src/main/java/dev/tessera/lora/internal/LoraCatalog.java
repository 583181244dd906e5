package dev.tessera.lora.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The LoRA files that active LoRA bundles offer, by the name each bundle declares. Read on every listing and every
 * lookup: a bundle that starts or stops changes the answers at once.
 */
public interface LoraCatalog {

    /** The names offered now, in the order their bundles started. */
    List<String> names();

    /** The readable file behind {@code name}, if an active bundle offers it. */
    Optional<Path> find(String name);
}
