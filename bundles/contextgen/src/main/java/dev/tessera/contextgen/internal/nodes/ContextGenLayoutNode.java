package dev.tessera.contextgen.internal.nodes;

import static dev.tessera.contextgen.internal.nodes.ContextGenNodes.CONTEXTGEN_LAYOUT;
import static dev.tessera.contextgen.internal.nodes.ContextGenNodes.MAX_RESOLUTION;
import static dev.tessera.contextgen.internal.nodes.ContextGenNodes.REFERENCES;

import dev.tessera.contextgen.ContextGenLayout;
import dev.tessera.contextgen.InvalidContextGenInputException;
import dev.tessera.contextgen.LayoutImage;
import dev.tessera.contextgen.ReferenceSet;
import dev.tessera.contextgen.TokenGrid;
import dev.tessera.graph.api.ExecutionContext;
import dev.tessera.graph.api.Folders;
import dev.tessera.graph.api.InputProblem;
import dev.tessera.graph.api.InputSpec;
import dev.tessera.graph.api.NodeDescriptor;
import dev.tessera.graph.api.NodeException;
import dev.tessera.graph.api.NodeInputs;
import dev.tessera.graph.api.NodeResult;
import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.api.ValueType;
import dev.tessera.image.DecodedImage;
import dev.tessera.image.ImageBatch;
import dev.tessera.image.ImageDecoder;
import dev.tessera.layout.Box;
import dev.tessera.layout.ImageSource;
import dev.tessera.layout.Instance;
import dev.tessera.layout.Layout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * LAYOUT + references -> CONTEXTGEN_LAYOUT, and the caption in the Kontext edit template as STRING (for the text
 * encoders). Instance i takes reference i of the {@code references} input, else the reference file the layout
 * names (ContextGen's segment_info.json, relative to the input folder). References are resized as the released
 * inference does (about 512 px for a 768 output) unless {@code reference_size} says otherwise. Every check (sizes
 * multiple of 16, boxes, alpha, counts) happens here, before any model runs.
 */
@Component(service = NodeType.class)
public final class ContextGenLayoutNode implements NodeType {

    static final String LAYOUT = "layout";
    static final String WIDTH = "width";
    static final String HEIGHT = "height";
    static final String REFERENCES_INPUT = "references";
    static final String LAYOUT_IMAGE = "layout_image";
    static final String REFERENCE_SIZE = "reference_size";

    private final Folders folders;
    private final NodeDescriptor descriptor = NodeDescriptor.builder("ContextGenLayout")
            .displayName("ContextGen Layout")
            .category(ContextGenNodes.CATEGORY)
            .description("Binds a layout's boxes to reference images for ContextGen; checks sizes, boxes and alpha.")
            .input(InputSpec.link(LAYOUT, ValueType.LAYOUT))
            .input(InputSpec.integer(WIDTH, 768, 0, MAX_RESOLUTION, TokenGrid.PATCH).withTooltip(
                    "Output width in pixels, a multiple of 16; 0 takes the layout's own width."))
            .input(InputSpec.integer(HEIGHT, 768, 0, MAX_RESOLUTION, TokenGrid.PATCH).withTooltip(
                    "Output height in pixels, a multiple of 16; 0 takes the layout's own height."))
            .input(InputSpec.integer(REFERENCE_SIZE, 0, 0, 4096, TokenGrid.PATCH).withTooltip(
                    "References are resized to about this many pixels squared (sides rounded up to 16);"
                            + " 0 follows the output as the released code does (768 -> 512)."))
            .input(InputSpec.link(REFERENCES_INPUT, REFERENCES).asOptional())
            .input(InputSpec.link(LAYOUT_IMAGE, ValueType.IMAGE).asOptional().withTooltip(
                    "Your own layout image (resized to the output with LANCZOS if needed); without it, the one the"
                            + " layout names (segment_info.json's layout_image), else a composite of the references."))
            .output("CONTEXTGEN_LAYOUT", CONTEXTGEN_LAYOUT)
            .output("PROMPT", ValueType.STRING)
            .build();

    @Activate
    public ContextGenLayoutNode(@org.osgi.service.component.annotations.Reference Folders folders) {
        this.folders = folders;
    }

    @Override
    public NodeDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public List<InputProblem> validate(NodeInputs widgetValues) {
        List<InputProblem> problems = new ArrayList<>();
        for (String side : List.of(WIDTH, HEIGHT, REFERENCE_SIZE)) {
            if (widgetValues.has(side) && widgetValues.getInt(side) % TokenGrid.PATCH != 0) {
                problems.add(InputProblem.of(side, "is " + widgetValues.getInt(side) + "; expected a multiple of 16"
                        + " (VAE /8, 2x2 packing)"));
            }
        }
        return problems;
    }

    @Override
    public NodeResult execute(NodeInputs inputs, ExecutionContext context) {
        Layout layout = inputs.get(LAYOUT, Layout.class);
        int width = side(inputs, WIDTH, layout.width().orElse(0));
        int height = side(inputs, HEIGHT, layout.height().orElse(0));
        ReferenceSet linked = inputs.optional(REFERENCES_INPUT, ReferenceSet.class).orElse(ReferenceSet.empty());
        if (linked.size() > layout.size()) {
            throw NodeException.invalidInput(REFERENCES_INPUT, "has " + linked.size() + " references but the layout"
                    + " has " + layout.size() + " instances; reference " + layout.size()
                    + " has no instance (expected at most one reference per instance)");
        }
        int base = (int) inputs.getInt(REFERENCE_SIZE);
        List<ContextGenLayout.Entry> entries = new ArrayList<>();
        for (int i = 0; i < layout.size(); i++) {
            Instance inst = layout.instance(i);
            Optional<dev.tessera.contextgen.Reference> ref = i < linked.size() ? Optional.of(linked.get(i))
                    : fileReference(inst, i);
            ref = ref.map(r -> base == 0 ? r.resizedForOutput(width, height) : sized(r, base));
            Box b = inst.box();
            entries.add(new ContextGenLayout.Entry(inst.phrase(), b.x1() * width, b.y1() * height, b.x2() * width,
                    b.y2() * height, ref));
        }
        float[] layoutImage;
        try {
            // The linked IMAGE wins over the layout image a segment_info.json names; either is resized to the
            // output with the released filters (LayoutImage), not refused for its size.
            layoutImage = inputs.optional(LAYOUT_IMAGE, ImageBatch.class)
                    .map(img -> LayoutImage.fromRgb(img.width(), img.height(), ContextGenNodes.rgb(img, 0), width,
                            height))
                    .orElseGet(() -> layout.layoutImage().map(src -> namedLayoutImage(src, width, height))
                            .orElse(null));
        } catch (InvalidContextGenInputException e) {
            throw NodeException.invalidInput(LAYOUT_IMAGE, e.getMessage());
        }
        try {
            ContextGenLayout result = ContextGenLayout.of(layout.caption(), width, height, entries, layoutImage);
            return NodeResult.of(result, result.prompt());
        } catch (InvalidContextGenInputException e) {
            String input = e.where().startsWith("instance") ? LAYOUT : e.where().startsWith("reference")
                    ? REFERENCES_INPUT : e.where().equals("output") ? WIDTH : LAYOUT_IMAGE;
            throw new NodeException("invalid_input", input, e.getMessage(), e);
        }
    }

    private static dev.tessera.contextgen.Reference sized(dev.tessera.contextgen.Reference r, int base) {
        int[] s = dev.tessera.contextgen.Reference.uniformSize16(r.width(), r.height(), base);
        return r.resized(s[0], s[1]);
    }

    private static int side(NodeInputs inputs, String name, int hint) {
        long v = inputs.getInt(name);
        int side = v > 0 ? Math.toIntExact(v) : hint;
        if (side <= 0 || side > MAX_RESOLUTION || side % TokenGrid.PATCH != 0) {
            int below = Math.max(TokenGrid.PATCH, side / TokenGrid.PATCH * TokenGrid.PATCH);
            throw NodeException.invalidInput(name, "the image " + name + " is " + side + (v == 0
                    ? " (the layout's, since " + name + " is 0)" : "") + "; expected a multiple of 16 up to "
                    + MAX_RESOLUTION + " (FLUX packs 2x2 latent cells of 8 pixels into one token), e.g. " + below
                    + " or " + (below + TokenGrid.PATCH));
        }
        return side;
    }

    /** The reference the layout itself names for instance i (a file, or an IMAGE value with the instance's mask). */
    private Optional<dev.tessera.contextgen.Reference> fileReference(Instance inst, int i) {
        if (inst.reference().isEmpty()) return Optional.empty();
        String where = "reference " + i;
        ImageSource src = inst.reference().get();
        if (!(src instanceof ImageSource.File file)) {
            throw NodeException.invalidInput(LAYOUT, "instance " + i + "'s reference is a graph value; expected a"
                    + " file, or connect it through ReferenceImage nodes");
        }
        DecodedImage image = decode(file, i);
        float[][] split = ContextGenNodes.split(image);
        float[] alpha;
        if (inst.mask().isPresent() && inst.mask().get() instanceof ImageSource.File maskFile) {
            DecodedImage mask = decode(maskFile, i);
            if (mask.width() != image.width() || mask.height() != image.height()) {
                throw NodeException.invalidInput(LAYOUT, "instance " + i + ": mask " + maskFile.path() + " is "
                        + mask.width() + "x" + mask.height() + " but its reference is " + image.width() + "x"
                        + image.height() + "; expected the same size");
            }
            alpha = ContextGenNodes.luminance(mask);
        } else if (image.hasAlpha()) {
            alpha = split[1];
        } else {
            throw NodeException.invalidInput(LAYOUT, where + " (" + file.path() + ") has no alpha channel and the"
                    + " instance no mask; expected an RGBA reference or a mask");
        }
        return Optional.of(ContextGenNodes.reference(LAYOUT, where, image.width(), image.height(), split[0], alpha));
    }

    /**
     * The layout image the layout itself names (segment_info.json's {@code layout_image}, relative to the input
     * folder), RGBA as the released inference reads it: a missing or unreadable file is an error naming it.
     */
    private float[] namedLayoutImage(ImageSource src, int width, int height) {
        if (src instanceof ImageSource.Value value && value.value() instanceof ImageBatch img) {
            return LayoutImage.fromRgb(img.width(), img.height(), ContextGenNodes.rgb(img, 0), width, height);
        }
        if (!(src instanceof ImageSource.File file)) {
            throw NodeException.invalidInput(LAYOUT, "the layout's layout image is " + src + "; expected a file or"
                    + " an IMAGE");
        }
        DecodedImage image = read(file, "layout image " + file.path());
        int[] argb = image.argb();
        int[] rgb8 = new int[argb.length * 3];
        int[] alpha8 = image.hasAlpha() ? new int[argb.length] : null;
        for (int p = 0; p < argb.length; p++) {
            rgb8[3 * p] = (argb[p] >>> 16) & 0xFF;
            rgb8[3 * p + 1] = (argb[p] >>> 8) & 0xFF;
            rgb8[3 * p + 2] = argb[p] & 0xFF;
            if (alpha8 != null) alpha8[p] = argb[p] >>> 24;
        }
        try {
            return LayoutImage.fromRgba8(image.width(), image.height(), rgb8, alpha8, width, height);
        } catch (InvalidContextGenInputException e) {
            throw NodeException.invalidInput(LAYOUT, "layout image " + file.path() + ": " + e.getMessage());
        }
    }

    private DecodedImage decode(ImageSource.File file, int i) {
        return read(file, "instance " + i);
    }

    /** A file of the input folder; {@code what} names it in errors. */
    private DecodedImage read(ImageSource.File file, String what) {
        Path input = folders.input().toAbsolutePath().normalize();
        Path path = input.resolve(file.path()).normalize();
        if (!path.startsWith(input) || Files.exists(path) && !Folders.staysInside(path, input)) {
            throw NodeException.invalidInput(LAYOUT, what + ": " + file.path()
                    + " lies outside the input folder (by its name or through a link); expected a path inside it");
        }
        try {
            return ImageDecoder.read(path);
        } catch (IOException e) {
            throw NodeException.invalidInput(LAYOUT, what + ": cannot read " + file.path() + ": " + e.getMessage());
        }
    }
}
