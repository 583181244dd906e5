package dev.tessera.graph.engine.internal;

import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.engine.WorkflowEngine;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The real engine, node registry and folders, wired the way SCR wires them (this class sits in the engine's
 * internal package only to reach the registry's bind methods, as SCR does).
 */
public final class RealEngine {

    private final NodeTypeRegistry registry = new NodeTypeRegistry();
    private final CachingWorkflowEngine engine = new CachingWorkflowEngine(registry);
    private final FileFolders folders;
    private long nextServiceId = 1;

    public RealEngine(Path home) {
        this.folders = new FileFolders(key -> key.equals("tessera.home") ? home.toString() : null);
    }

    public WorkflowEngine engine() {
        return engine;
    }

    public Folders folders() {
        return folders;
    }

    /** Registers a node type as a service would be bound. */
    public synchronized <T extends NodeType> T register(T type) {
        Map<String, Object> props = new HashMap<>();
        props.put("service.id", nextServiceId++);
        props.put("service.ranking", 0);
        registry.addNodeType(type, props);
        return type;
    }

    public void unregister(NodeType type) {
        registry.removeNodeType(type, Map.of());
    }
}
