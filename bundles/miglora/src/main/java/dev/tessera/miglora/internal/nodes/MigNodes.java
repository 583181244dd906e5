package dev.tessera.miglora.internal.nodes;

import dev.tessera.graph.api.Folders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** What the MIGLoRA nodes share: category, folders, extras keys of the MIG conditioning. */
final class MigNodes {

    static final String CATEGORY = "conditioning/miglora";
    /** The models folder of mask encoders. */
    static final String MIGLORA = "miglora";
    static final String LORAS = "loras";
    /** Extras of the MIGEncode conditioning entry: the instance embeddings [N, tokens, dim], global first. */
    static final String INSTANCES = "miglora.instances";
    /** Extras of the MIGEncode conditioning entry: the Layout the embeddings were made from. */
    static final String LAYOUT = "miglora.layout";

    private MigNodes() {}

    /** The file's size and modification time, so a replaced file loads anew. */
    static String fingerprint(Folders folders, String kind, String name) {
        Path file = folders.modelFolder(kind).resolve(name);
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return file + "|" + a.size() + "|" + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            return file + "|unreadable";
        }
    }
}
