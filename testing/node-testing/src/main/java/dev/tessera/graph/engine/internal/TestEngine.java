package dev.tessera.graph.engine.internal;

import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.engine.WorkflowEngine;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The real engine, node registry and folders, wired as SCR wires them, for tests of node bundles and of the server.
 * This class sits in the engine's internal package only to reach the registry's bind methods and the folders'
 * property constructor (package-private so that SCR sees one activation constructor).
 */
public final class TestEngine {

    private final NodeTypeRegistry registry = new NodeTypeRegistry();
    private final CachingWorkflowEngine engine = new CachingWorkflowEngine(registry);
    private final Folders folders;
    private long nextServiceId = 1;

    /** Folders under {@code home} ({@code output/}, {@code input/}, {@code temp/}, {@code models/}). */
    public TestEngine(Path home) {
        this(home, home.resolve("models"));
    }

    /** Folders under {@code home}, with the models folder at {@code models}. */
    public TestEngine(Path home, Path models) {
        this.folders = hostFolders(home, models);
    }

    /**
     * The host's own folders (output, input, temp under {@code home}, models at {@code models}), with its rules for
     * listing and resolving model files, for fixtures that must apply the same confinement as the product.
     */
    public static Folders hostFolders(Path home, Path models) {
        return new FileFolders(key -> switch (key) {
            case "tessera.home" -> home.toString();
            case "tessera.models.dir" -> models.toString();
            default -> null;
        });
    }

    public WorkflowEngine engine() {
        return engine;
    }

    public Folders folders() {
        return folders;
    }

    /** Registers a node type as SCR binds a service (a new service id, ranking 0). */
    public synchronized <T extends NodeType> T register(T type) {
        Map<String, Object> props = new HashMap<>();
        props.put("service.id", nextServiceId++);
        props.put("service.ranking", 0);
        registry.addNodeType(type, props);
        return type;
    }

    /** Unregisters a node type as SCR unbinds a service that goes away. */
    public void unregister(NodeType type) {
        registry.removeNodeType(type, Map.of());
    }

    /** Drops every cached output, closing them, as the engine's deactivation does. */
    public void close() {
        engine.clearCache();
    }
}
