package dev.tessera.layout.internal.nodes;

import dev.tessera.layout.LayoutParser;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The {@link LayoutParser} services present right now, in the order they arrived. Parsers come and go while the
 * host runs (a model-backed parser's bundle may start late), so the node reads this each time it is asked.
 */
final class LayoutParsers {

    private final List<LayoutParser> parsers = new CopyOnWriteArrayList<>();

    void add(LayoutParser parser) {
        parsers.add(parser);
    }

    void remove(LayoutParser parser) {
        parsers.remove(parser);
    }

    /** The distinct ids, sorted: the parser choice's options. */
    List<String> ids() {
        return parsers.stream().map(LayoutParser::id).distinct().sorted().toList();
    }

    /** The parser with {@code id}; when two share an id, the one that arrived first. */
    Optional<LayoutParser> byId(String id) {
        return parsers.stream().filter(p -> p.id().equals(id)).findFirst();
    }
}
