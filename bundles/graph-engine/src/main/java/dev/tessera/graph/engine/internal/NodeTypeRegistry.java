package dev.tessera.graph.engine.internal;

import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;

/**
 * The node types registered right now, by type id. Follows {@link NodeType} services as bundles start and stop.
 * When two services claim one type id, the one with the higher service ranking wins (then the older service, as
 * OSGi ranks services); the other waits and takes over if the winner goes.
 */
@Component(service = NodeTypeRegistry.class)
public final class NodeTypeRegistry {

    private static final System.Logger LOG = System.getLogger(NodeTypeRegistry.class.getName());

    private record Candidate(NodeType type, NodeDescriptor descriptor, int ranking, long serviceId) {
    }

    private static final Comparator<Candidate> BEST_FIRST = Comparator.comparingInt(Candidate::ranking).reversed()
            .thenComparingLong(Candidate::serviceId);

    private final Map<String, List<Candidate>> candidates = new HashMap<>();
    private volatile Map<String, RegisteredType> snapshot = Map.of();

    @Reference(service = NodeType.class, cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            unbind = "removeNodeType", updated = "updatedNodeType")
    synchronized void addNodeType(NodeType type, Map<String, Object> properties) {
        NodeDescriptor descriptor;
        try {
            descriptor = type.descriptor();
        } catch (RuntimeException | LinkageError e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring node type service " + type.getClass().getName()
                    + ": its descriptor() failed: " + e);
            return;
        }
        Candidate c = new Candidate(type, descriptor, ranking(properties), serviceId(properties));
        List<Candidate> list = candidates.computeIfAbsent(descriptor.typeId(), k -> new ArrayList<>());
        list.add(c);
        list.sort(BEST_FIRST);
        if (list.size() > 1) {
            Candidate winner = list.get(0);
            LOG.log(System.Logger.Level.WARNING, "node type '" + descriptor.typeId() + "' is provided by " + list.size()
                    + " services; using " + winner.type().getClass().getName() + " (service.ranking " + winner.ranking()
                    + ", service.id " + winner.serviceId() + ")");
        }
        publish();
    }

    synchronized void removeNodeType(NodeType type, Map<String, Object> properties) {
        for (var it = candidates.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            entry.getValue().removeIf(c -> c.type() == type);
            if (entry.getValue().isEmpty()) it.remove();
        }
        publish();
    }

    /** A service's ranking changed: rank it again. */
    synchronized void updatedNodeType(NodeType type, Map<String, Object> properties) {
        removeNodeType(type, properties);
        addNodeType(type, properties);
    }

    /** The current winners by type id; an immutable map, so a run sees one consistent set. */
    Map<String, RegisteredType> snapshot() {
        return snapshot;
    }

    private void publish() {
        Map<String, RegisteredType> now = new HashMap<>();
        candidates.forEach((id, list) -> now.put(id, new RegisteredType(list.get(0).type(), list.get(0).descriptor())));
        snapshot = Map.copyOf(now);
    }

    private static int ranking(Map<String, Object> properties) {
        Object r = properties == null ? null : properties.get(Constants.SERVICE_RANKING);
        return r instanceof Integer i ? i : 0;
    }

    private static long serviceId(Map<String, Object> properties) {
        Object id = properties == null ? null : properties.get(Constants.SERVICE_ID);
        return id instanceof Long l ? l : Long.MAX_VALUE;
    }
}
