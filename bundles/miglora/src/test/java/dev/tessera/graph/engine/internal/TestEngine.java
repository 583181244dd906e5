package dev.tessera.graph.engine.internal;

import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.engine.WorkflowEngine;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The real engine, node registry and folders, wired as SCR wires them; this class sits in the engine's internal
 * package only to reach the registry's bind methods and the folders' property constructor.
 */
public final class TestEngine {

    private final NodeTypeRegistry registry = new NodeTypeRegistry();
    private final CachingWorkflowEngine engine = new CachingWorkflowEngine(registry);
    private final FileFolders folders;
    private long nextServiceId = 1;

    /** Folders under {@code home}, with the models folder at {@code models}. */
    public TestEngine(Path home, Path models) {
        this.folders = new FileFolders(key -> switch (key) {
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

    public synchronized <T extends NodeType> T register(T type) {
        Map<String, Object> props = new HashMap<>();
        props.put("service.id", nextServiceId++);
        props.put("service.ranking", 0);
        registry.addNodeType(type, props);
        return type;
    }

    /** Drops every cached output, closing them, as the engine's deactivation does. */
    public void close() {
        engine.clearCache();
    }
}
