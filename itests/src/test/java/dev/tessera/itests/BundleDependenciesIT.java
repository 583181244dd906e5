package dev.tessera.itests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The dependency direction of docs/architecture.md, checked on what the bundles of tessera.jar really import
 * (their Import-Package, as bnd computed it from the code): host -> graph-api <- nodes -> math -> models-core ->
 * tensor. Each rule names the bundles it is about; a violation names the bundle and the package. The few known
 * exceptions are listed with their reason, and each must still occur, so that the list shrinks as they are fixed.
 */
class BundleDependenciesIT {

    private static final Set<String> HOST = Set.of("dev.tessera.graph.engine", "dev.tessera.cli", "dev.tessera.server");
    private static final Set<String> TOOLS = Set.of("dev.tessera.conformance.runner", "dev.tessera.training",
            "dev.tessera.evaluation", "dev.tessera.bench");
    private static final Set<String> NODES = Set.of("dev.tessera.image", "dev.tessera.primitives",
            "dev.tessera.layout", "dev.tessera.lora", "dev.tessera.miglora", "dev.tessera.contextgen",
            "dev.tessera.sd.nodes", "dev.tessera.diffusion.nodes", "dev.tessera.flux.nodes",
            "dev.tessera.llm.nodes");
    /** The node bundles proper: plug-ins (miglora, contextgen) build on model bundles, not on these. */
    private static final Set<String> MODEL_NODES = Set.of("dev.tessera.sd.nodes", "dev.tessera.diffusion.nodes",
            "dev.tessera.flux.nodes", "dev.tessera.llm.nodes");
    private static final Set<String> MODELS = Set.of("dev.tessera.models.sd", "dev.tessera.models.dit",
            "dev.tessera.models.t5", "dev.tessera.models.llm");
    private static final Set<String> MATH = Set.of("dev.tessera.models.core", "dev.tessera.models.sd",
            "dev.tessera.models.dit", "dev.tessera.models.t5", "dev.tessera.models.llm", "dev.tessera.sampling",
            "dev.tessera.tokenizers");
    /** Contracts below the nodes: values and the conformance API, which math bundles may implement. */
    private static final Set<String> CONTRACTS = Set.of("dev.tessera.model.api", "dev.tessera.conformance");

    /** Known exceptions, "importer -> exporter", each with the reason it is still there. */
    private static final Map<String, String> KNOWN = Map.of(
            "dev.tessera.lora -> dev.tessera.cli", "the lora bundle's own `tessera lora-bundle` command",
            "dev.tessera.cli -> dev.tessera.image", "`tessera run` reads a PNG's workflow chunks with the image"
                    + " bundle's PngText (an optional import); the PNG chunk reader belongs below both");

    /** Bundle symbolic name to the dev.tessera packages it imports from other bundles. */
    private static final Map<String, Set<String>> IMPORTS = new TreeMap<>();
    /** Exported package to its bundle. */
    private static final Map<String, String> EXPORTER = new TreeMap<>();

    @BeforeAll
    static void readManifests() throws IOException {
        Path jar = TesseraFramework.appJar();
        assertTrue(Files.isRegularFile(jar), jar + " is missing: build features/app first");
        Map<String, List<String>> imported = new TreeMap<>();
        try (JarFile app = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = app.entries();
            while (entries.hasMoreElements()) {
                JarEntry entry = entries.nextElement();
                if (!entry.getName().startsWith("jar/") || !entry.getName().endsWith(".jar")) {
                    continue;
                }
                try (InputStream in = app.getInputStream(entry); JarInputStream bundle = new JarInputStream(in)) {
                    Manifest manifest = bundle.getManifest();
                    String bsn = manifest == null ? null : manifest.getMainAttributes().getValue("Bundle-SymbolicName");
                    if (bsn == null || !bsn.startsWith("dev.tessera")) {
                        continue;
                    }
                    bsn = bsn.split(";")[0].strip();
                    for (String exported : packages(manifest.getMainAttributes().getValue("Export-Package"))) {
                        EXPORTER.put(exported, bsn);
                    }
                    imported.put(bsn, packages(manifest.getMainAttributes().getValue("Import-Package")));
                }
            }
        }
        imported.forEach((bsn, packages) -> {
            Set<String> foreign = new TreeSet<>();
            for (String p : packages) {
                if (p.startsWith("dev.tessera.") && !bsn.equals(EXPORTER.get(p))) {
                    foreign.add(p);
                }
            }
            IMPORTS.put(bsn, foreign);
        });
    }

    /** The package names of an Import-Package or Export-Package header (attributes and directives dropped). */
    private static List<String> packages(String header) {
        List<String> names = new ArrayList<>();
        if (header == null) {
            return names;
        }
        boolean quoted = false;
        StringBuilder clause = new StringBuilder();
        for (char c : (header + ",").toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                names.add(clause.toString().split(";")[0].strip());
                clause.setLength(0);
            } else {
                clause.append(c);
            }
        }
        return names;
    }

    /** The violations of "bundles in {@code who} import nothing from bundles in {@code forbidden}". */
    private static List<String> violations(Set<String> who, Set<String> forbidden, Set<String> usedKnown) {
        List<String> found = new ArrayList<>();
        for (String bsn : who) {
            for (String p : IMPORTS.getOrDefault(bsn, Set.of())) {
                String from = EXPORTER.get(p);
                if (from == null || !forbidden.contains(from) || from.equals(bsn)) {
                    continue;
                }
                String edge = bsn + " -> " + from;
                if (KNOWN.containsKey(edge)) {
                    usedKnown.add(edge);
                } else {
                    found.add(edge + " (package " + p + ")");
                }
            }
        }
        return found;
    }

    @Test
    void everyBundleIsClassified() {
        Set<String> all = new TreeSet<>(IMPORTS.keySet());
        all.removeAll(HOST);
        all.removeAll(TOOLS);
        all.removeAll(NODES);
        all.removeAll(MATH);
        all.removeAll(CONTRACTS);
        all.removeAll(Set.of("dev.tessera.graph.api", "dev.tessera.tensor", "dev.tessera.tensor.native.cpu",
                "dev.tessera.shapes"));
        assertEquals(Set.of(), all, "bundles of tessera.jar that no rule of this test knows: add them to a layer");
    }

    @Test
    void dependenciesPointOneWay() {
        Set<String> usedKnown = new LinkedHashSet<>();
        List<String> found = new ArrayList<>();
        Set<String> upper = new TreeSet<>(HOST);
        upper.addAll(TOOLS);
        upper.addAll(NODES);
        // math -> models-core -> tensor: no math bundle imports a host, tool or node package, nor graph-api.
        Set<String> aboveMath = new TreeSet<>(upper);
        aboveMath.add("dev.tessera.graph.api");
        found.addAll(violations(MATH, aboveMath, usedKnown));
        // Contracts below the nodes (model-api, the conformance API) know no node, host or tool either.
        found.addAll(violations(CONTRACTS, aboveMath, usedKnown));
        // models-core is the bottom of the model stack; the model bundles do not depend on each other.
        Set<String> models = new TreeSet<>(MODELS);
        found.addAll(violations(Set.of("dev.tessera.models.core"), models, usedKnown));
        for (String model : MODELS) {
            Set<String> others = new TreeSet<>(MODELS);
            others.remove(model);
            found.addAll(violations(Set.of(model), others, usedKnown));
        }
        // host -> graph-api <- nodes: nodes import no host or tool package; the host knows no node or math bundle.
        Set<String> hostAndTools = new TreeSet<>(HOST);
        hostAndTools.addAll(TOOLS);
        found.addAll(violations(NODES, hostAndTools, usedKnown));
        Set<String> belowHost = new TreeSet<>(NODES);
        belowHost.addAll(MATH);
        belowHost.addAll(CONTRACTS);
        belowHost.addAll(TOOLS);
        found.addAll(violations(HOST, belowHost, usedKnown));
        // Plug-ins build on the model bundles and model-api, not on the model families' node bundles.
        found.addAll(violations(Set.of("dev.tessera.miglora", "dev.tessera.contextgen"), MODEL_NODES, usedKnown));
        assertEquals(List.of(), found, "imports against the dependency direction (docs/architecture.md)");
        Set<String> stale = new TreeSet<>(KNOWN.keySet());
        stale.removeAll(usedKnown);
        assertEquals(Set.of(), stale, "known exceptions that no longer occur: remove them from KNOWN");
    }
}
