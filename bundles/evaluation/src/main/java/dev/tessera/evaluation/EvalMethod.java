package dev.tessera.evaluation;

import dev.tessera.miglora.Fusion;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One way of rendering a layout: {@code plain} (the global caption only), {@code area} (ComfyUI's area
 * conditioning per instance, combined with the global caption) or {@code miglora-<fusion>} (MIGLoRA with MIGApply's
 * fusion {@code sum}, {@code avg} or {@code mask} and its beta, {@code miglora-mask@beta=0.5}).
 *
 * @param name   the name as written, which labels the method's results
 * @param kind   which graph renders it
 * @param fusion MIGApply's fusion id for {@link Kind#MIGLORA}, else null
 * @param beta   MIGApply's beta for {@link Kind#MIGLORA} (share of the steps the layout guides), else NaN
 */
public record EvalMethod(String name, Kind kind, String fusion, double beta) {

    /** The graph a method renders with. */
    public enum Kind { PLAIN, AREA, MIGLORA }

    /** MIGApply's default beta. */
    public static final double DEFAULT_BETA = 0.7;
    /** What {@code tessera eval shapes} compares unless told otherwise. */
    public static final String DEFAULTS = "plain,area,miglora-sum,miglora-avg,miglora-mask";

    private static final String MIGLORA = "miglora-";
    private static final String BETA = "@beta=";

    /**
     * Reads one method name.
     *
     * @throws IllegalArgumentException naming the text and what is expected
     */
    public static EvalMethod parse(String text) {
        String name = text.strip();
        int at = name.indexOf('@');
        String base = at < 0 ? name : name.substring(0, at);
        if (base.equals("plain") || base.equals("area")) {
            if (at >= 0) {
                throw new IllegalArgumentException("method '" + name + "': " + base + " takes no parameters; only"
                        + " miglora-* methods take " + BETA + "X");
            }
            return new EvalMethod(name, base.equals("plain") ? Kind.PLAIN : Kind.AREA, null, Double.NaN);
        }
        if (!base.startsWith(MIGLORA)) {
            throw new IllegalArgumentException("method '" + name + "' is unknown; expected plain, area or miglora-"
                    + String.join("|miglora-", Fusion.names()) + ", optionally with " + BETA + "X (0 to 1)");
        }
        String fusion = base.substring(MIGLORA.length());
        if (!Fusion.names().contains(fusion)) {
            throw new IllegalArgumentException("method '" + name + "': fusion '" + fusion + "' is not one of "
                    + Fusion.names());
        }
        double beta = DEFAULT_BETA;
        if (at >= 0) {
            String parameter = name.substring(at);
            if (!parameter.startsWith(BETA)) {
                throw new IllegalArgumentException("method '" + name + "': '" + parameter + "' is not a parameter;"
                        + " expected " + BETA + "X with X from 0 to 1");
            }
            try {
                beta = Double.parseDouble(parameter.substring(BETA.length()));
            } catch (NumberFormatException e) {
                beta = Double.NaN;
            }
            if (!(beta >= 0 && beta <= 1)) {
                throw new IllegalArgumentException("method '" + name + "': beta '" + parameter.substring(BETA.length())
                        + "' is not a number from 0 to 1");
            }
        }
        return new EvalMethod(name, Kind.MIGLORA, fusion, beta);
    }

    /**
     * Reads a comma-separated list of method names.
     *
     * @throws IllegalArgumentException for an empty list, a bad name, or a name given twice
     */
    public static List<EvalMethod> parseList(String text) {
        List<EvalMethod> methods = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (String part : text.split(",", -1)) {
            if (part.isBlank()) {
                throw new IllegalArgumentException("methods '" + text + "': an empty name; expected names separated"
                        + " by commas, e.g. " + DEFAULTS);
            }
            EvalMethod method = parse(part);
            if (!seen.add(method.name())) {
                throw new IllegalArgumentException("methods '" + text + "': '" + method.name() + "' is given twice");
            }
            methods.add(method);
        }
        return methods;
    }

    @Override
    public String toString() {
        return kind == Kind.MIGLORA ? name + String.format(Locale.ROOT, " (fusion %s, beta %s)", fusion, beta) : name;
    }
}
