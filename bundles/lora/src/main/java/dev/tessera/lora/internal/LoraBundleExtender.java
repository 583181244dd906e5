package dev.tessera.lora.internal;

import dev.tessera.lora.bundle.LoraBundles;
import dev.tessera.tensor.safetensors.SafetensorsFile;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.util.tracker.BundleTracker;
import org.osgi.util.tracker.BundleTrackerCustomizer;

/**
 * The extender of LoRA bundles: tracks every bundle that is ACTIVE and has a {@value LoraBundles#HEADER} header,
 * copies each declared file out of its jar into this bundle's data area and offers it by its declared name; a bundle
 * that stops is dropped from the offer at once.
 *
 * <p>The copies outlive their bundle until this component deactivates: a LoRA patch already on a model handle holds
 * the copy's path and reads it when the handle merges, so a run that started with the LoRA finishes with it even if
 * the bundle goes away meanwhile. Copies are keyed by bundle id and last-modified time, so an updated bundle is a new
 * file (and a new cache key) and a restarted one reuses its copy. A bad bundle (bad header, missing entry, not
 * safetensors) is logged naming the bundle and the entry, and offers nothing; the host keeps running.
 *
 * <p>When two bundles declare the same name, the one that started first is offered; the other is offered when the
 * first stops.
 */
@Component(service = LoraCatalog.class)
public final class LoraBundleExtender implements LoraCatalog {

    private static final System.Logger LOG = System.getLogger("dev.tessera.lora");

    /** One file of one bundle. */
    private record Offer(String name, long bundleId, String symbolicName, Path file) {
    }

    private final Path copies;
    private final Map<String, List<Offer>> byName = new LinkedHashMap<>();
    private final BundleTracker<List<Offer>> tracker;

    @Activate
    public LoraBundleExtender(BundleContext context) {
        File data = context.getDataFile("bundled-loras");
        try {
            copies = data != null ? data.toPath() : Files.createTempDirectory("tessera-bundled-loras");
            deleteTree(copies); // copies from an earlier run of the framework belong to no bundle now
            Files.createDirectories(copies);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the folder for bundled LoRAs: " + e.getMessage(), e);
        }
        tracker = new BundleTracker<>(context, Bundle.ACTIVE, new BundleTrackerCustomizer<>() {
            @Override
            public List<Offer> addingBundle(Bundle bundle, BundleEvent event) {
                String header = bundle.getHeaders("").get(LoraBundles.HEADER);
                return header == null ? null : add(bundle, header);
            }

            @Override
            public void modifiedBundle(Bundle bundle, BundleEvent event, List<Offer> offers) {
            }

            @Override
            public void removedBundle(Bundle bundle, BundleEvent event, List<Offer> offers) {
                remove(offers);
            }
        });
        tracker.open();
    }

    @Deactivate
    void deactivate() {
        tracker.close();
        try {
            deleteTree(copies);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot delete the bundled LoRA copies in {0}: {1}", copies,
                    e.getMessage());
        }
    }

    @Override
    public synchronized List<String> names() {
        return List.copyOf(byName.keySet());
    }

    @Override
    public synchronized Optional<Path> find(String name) {
        List<Offer> offers = byName.get(name);
        return offers == null ? Optional.empty() : Optional.of(offers.get(0).file());
    }

    private List<Offer> add(Bundle bundle, String header) {
        String who = "LoRA bundle " + bundle.getSymbolicName() + " [" + bundle.getBundleId() + "]";
        List<LoraBundles.Declared> declared;
        try {
            declared = LoraBundles.parse(header);
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.ERROR, "{0}: {1}; it offers no LoRA", who, e.getMessage());
            return List.of();
        }
        List<Offer> offers = new ArrayList<>();
        for (LoraBundles.Declared d : declared) {
            try {
                offers.add(new Offer(d.name(), bundle.getBundleId(), bundle.getSymbolicName(), copy(bundle, d)));
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "{0}: LoRA ''{1}'' (entry {2}) is not offered: {3}", who, d.name(),
                        d.path(), e.getMessage());
            }
        }
        synchronized (this) {
            for (Offer offer : offers) {
                List<Offer> same = byName.computeIfAbsent(offer.name(), n -> new ArrayList<>());
                same.add(offer);
                if (same.size() > 1) {
                    LOG.log(System.Logger.Level.WARNING, "{0}: LoRA ''{1}'' is also offered by {2} [{3}], which"
                            + " keeps the name while it is active", who, offer.name(), same.get(0).symbolicName(),
                            same.get(0).bundleId());
                }
            }
        }
        return offers;
    }

    private synchronized void remove(List<Offer> offers) {
        for (Offer offer : offers) {
            List<Offer> same = byName.get(offer.name());
            if (same != null) {
                same.remove(offer);
                if (same.isEmpty()) {
                    byName.remove(offer.name());
                }
            }
        }
    }

    /** The entry copied out of the jar (once per bundle version), checked to be a safetensors file. */
    private Path copy(Bundle bundle, LoraBundles.Declared declared) throws IOException {
        URL entry = bundle.getEntry(declared.path());
        if (entry == null) {
            throw new IOException("the bundle has no entry " + declared.path());
        }
        Path folder = copies.resolve(bundle.getBundleId() + "-" + bundle.getLastModified());
        Path file = folder.resolve(declared.name() + ".safetensors");
        if (!Files.isRegularFile(file)) {
            Files.createDirectories(folder);
            Path partial = Files.createTempFile(folder, declared.name(), ".part");
            try (InputStream in = entry.openStream()) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                try (SafetensorsFile check = SafetensorsFile.open(partial)) {
                    check.names(); // the header parsed: a safetensors file (its LoRA content is checked on use)
                }
                Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
        }
        return file;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
