package dev.tessera.layout.internal;

import dev.tessera.layout.LayoutParseException;
import dev.tessera.layout.internal.PromptAnalysis.HPos;
import dev.tessera.layout.internal.PromptAnalysis.Kind;
import dev.tessera.layout.internal.PromptAnalysis.Mention;
import dev.tessera.layout.internal.PromptAnalysis.Relation;
import dev.tessera.layout.internal.PromptAnalysis.VPos;
import java.util.ArrayList;
import java.util.List;

/**
 * The rule-based grammar: reads a prompt into instances and relations (docs/layout.md lists the rules).
 *
 * <p>Two passes. {@link #scan} cuts the tokens into elements: noun phrases, relation words ("left of", "on"),
 * place phrases ("on the left"), pronouns, list joints ("and") and clause breaks (",", "."). {@link #resolve} then
 * walks the elements: a noun phrase becomes one instance, or several for a count ("two cats"), or refers back
 * ("the cat"); a relation takes the noun phrases just before it as subject and those just after as objects.
 */
final class PromptGrammar {

    static final String FORMAT = "rule-based";
    /** More instances than this from one counted phrase is taken as a mistake, not a request. */
    static final int MAX_COUNT = 1000;

    private sealed interface Element permits Np, Rel, Place, Pron, And, Break {}

    /** A noun phrase: tokens [from, to). */
    private record Np(int from, int to) implements Element {}

    /**
     * A relation; place relations ("in the middle of") carry their place for a scene object, and "on her left"
     * carries its object as a pronoun.
     */
    private record Rel(Kind kind, boolean sceneCapable, HPos hpos, VPos vpos, PronounKind implicit)
            implements Element {
        Rel(Kind kind, boolean sceneCapable, HPos hpos, VPos vpos) {
            this(kind, sceneCapable, hpos, vpos, null);
        }
    }

    /** An absolute place; {@code size} scales the box (background smaller, foreground larger). */
    private record Place(HPos hpos, VPos vpos, double size) implements Element {}

    private enum PronounKind { ALL, LAST, RECIPROCAL }

    private record Pron(PronounKind kind) implements Element {}

    private record And() implements Element {}

    /** A clause break; a sentence break also forgets pending places and relations. */
    private record Break(boolean sentence) implements Element {}

    private record Match(Element element, int end) {}

    private final String prompt;
    private final List<Token> tokens;
    private final List<Mention> mentions = new ArrayList<>();
    private final List<List<Integer>> groups = new ArrayList<>();
    private final List<Relation> relations = new ArrayList<>();

    private PromptGrammar(String prompt) {
        this.prompt = prompt;
        this.tokens = Tokenizer.tokens(prompt);
    }

    static PromptAnalysis analyse(String prompt) {
        if (prompt.isBlank()) {
            throw new LayoutParseException(FORMAT, "prompt", "the prompt is empty; expected a description such as"
                    + " 'a red apple left of a blue cup'");
        }
        PromptGrammar g = new PromptGrammar(prompt);
        g.resolve(g.scan());
        if (g.mentions.isEmpty()) {
            throw new LayoutParseException(FORMAT, "prompt", "found nothing to lay out in '" + prompt.strip()
                    + "'; expected noun phrases such as 'a red apple' or 'two cats'");
        }
        return new PromptAnalysis(g.mentions, g.relations);
    }

    // ---- pass 1: elements ------------------------------------------------------------------------------------

    private List<Element> scan() {
        List<Element> out = new ArrayList<>();
        int npStart = -1;
        boolean sentenceStart = true;
        int i = 0;
        while (i < tokens.size()) {
            if (sentenceStart) {
                sentenceStart = false;
                int after = framePrefix(i);
                if (after > i) {
                    i = after;
                    continue;
                }
            }
            Token tok = tokens.get(i);
            String w = tok.text();
            if (tok.punctuation()) {
                if (w.equals(",") && npStart >= 0 && commaJoinsAdjectives(i)) {
                    i++;
                    continue;
                }
                npStart = close(out, npStart, i);
                boolean sentence = !w.equals(",") && !w.equals("(") && !w.equals(")");
                out.add(new Break(sentence));
                sentenceStart = sentence;
                i++;
                continue;
            }
            if (Lexicon.INTENSIFIERS.contains(w) && relationAt(i + 1)) {
                i++;
                continue;
            }
            if (Lexicon.POSTURE.contains(w) && (relationAt(i + 1)
                    || (i + 1 < tokens.size() && Lexicon.INTENSIFIERS.contains(word(i + 1)) && relationAt(i + 2)))) {
                npStart = close(out, npStart, i);
                i++;
                continue;
            }
            Match m = place(i);
            if (m == null) m = relation(i);
            if (m == null) m = pronoun(i);
            if (m == null) m = listJoint(i, npStart >= 0);
            if (m != null) {
                npStart = close(out, npStart, i);
                if (!(m.element() instanceof Np)) out.add(m.element());
                i = m.end();
                continue;
            }
            if (Lexicon.AND.contains(w) && npStart >= 0 && colourJoin(i)) {
                i++;
                continue;
            }
            if (Lexicon.BREAK_WORDS.contains(w)) {
                npStart = close(out, npStart, i);
                out.add(new Break(false));
                i++;
                continue;
            }
            boolean relative = (w.equals("that") || w.equals("this")) && npStart >= 0;
            if (Lexicon.FILLERS.contains(w) || relative || (w.equals("with") && npStart < 0)) {
                npStart = close(out, npStart, i);
                i++;
                continue;
            }
            if (npStart < 0) npStart = i;
            i++;
        }
        close(out, npStart, tokens.size());
        return out;
    }

    private static int close(List<Element> out, int npStart, int end) {
        if (npStart >= 0 && end > npStart) out.add(new Np(npStart, end));
        return -1;
    }

    /** "a photo of", "an oil painting of", "a close up picture showing": where the subject list starts. */
    private int framePrefix(int i) {
        for (int k = i; k < Math.min(tokens.size() - 1, i + 4); k++) {
            if (Lexicon.FRAME_NOUNS.contains(word(k)) && Lexicon.FRAME_LINKS.contains(word(k + 1))) {
                for (int j = i; j < k; j++) {
                    String w = word(j);
                    boolean modifier = Lexicon.DETERMINERS.contains(w) || Lexicon.ADJECTIVES.contains(w)
                            || Lexicon.STYLE.contains(w) || List.of("oil", "digital", "close", "up", "high", "and",
                                    "color", "colour", "stock").contains(w);
                    if (!modifier) return i;
                }
                return k + 2;
            }
        }
        return i;
    }

    /** A place phrase: "on the left", "in the top right corner", "to the left of", "in front of", "on top of". */
    private Match place(int i) {
        int j = i;
        String prep = null;
        if (j < tokens.size() && Lexicon.PLACE_PREPOSITIONS.contains(word(j))) prep = word(j++);
        PronounKind possessive = null;
        if (prep != null && (is(j, "his") || is(j, "her") || is(j, "its"))) possessive = PronounKind.LAST;
        if (prep != null && is(j, "their")) possessive = PronounKind.ALL;
        if (possessive != null || is(j, "the")) j++;
        while (is(j, "far") || is(j, "very") || is(j, "extreme")) j++;
        List<String> places = new ArrayList<>();
        while (j < tokens.size() && Lexicon.PLACE_WORDS.contains(word(j)) && places.size() < 2) places.add(word(j++));
        if (places.isEmpty()) return null;
        if (j < tokens.size() && Lexicon.PLACE_NOUNS.contains(word(j))) j++;
        HPos h = HPos.NONE;
        VPos v = VPos.NONE;
        boolean center = false, front = false, back = false;
        for (String p : places) {
            switch (p) {
                case "left", "left-hand" -> h = HPos.LEFT;
                case "right", "right-hand" -> h = HPos.RIGHT;
                case "top", "upper" -> v = VPos.TOP;
                case "bottom", "lower" -> v = VPos.BOTTOM;
                case "front", "foreground" -> front = true;
                case "back", "background" -> back = true;
                default -> center = true;
            }
        }
        if (center) {
            if (h == HPos.NONE) h = HPos.CENTER;
            if (v == VPos.NONE) v = VPos.MIDDLE;
        }
        if (possessive != null) {
            // "a boy on her left": left of her, and so on.
            Kind kind = h == HPos.LEFT ? Kind.LEFT_OF : h == HPos.RIGHT ? Kind.RIGHT_OF : v == VPos.TOP ? Kind.ABOVE
                    : v == VPos.BOTTOM ? Kind.BELOW : front ? Kind.IN_FRONT : back ? Kind.BEHIND : Kind.NEXT_TO;
            return new Match(new Rel(kind, false, HPos.NONE, VPos.NONE, possessive), j);
        }
        if (is(j, "of")) {
            int k = j + 1;
            while (k < tokens.size() && Lexicon.DETERMINERS.contains(word(k))) k++;
            if (k < tokens.size() && Lexicon.IMAGE_WORDS.contains(word(k)) && !isContent(k + 1)) {
                return absolute(h, v, front, back, k + 1);
            }
            Kind kind;
            if (h == HPos.LEFT) kind = Kind.LEFT_OF;
            else if (h == HPos.RIGHT) kind = Kind.RIGHT_OF;
            else if (v == VPos.TOP) kind = "on".equals(prep) ? Kind.ON : Kind.ABOVE;
            else if (v == VPos.BOTTOM) kind = Kind.BELOW;
            else if (front) kind = Kind.IN_FRONT;
            else if (back) kind = Kind.BEHIND;
            else kind = Kind.INSIDE;
            return new Match(new Rel(kind, true, h, v), j + 1);
        }
        if (prep == null) return null;
        return absolute(h, v, front, back, j);
    }

    private static Match absolute(HPos h, VPos v, boolean front, boolean back, int end) {
        double size = 1;
        if (front && v == VPos.NONE) {
            v = VPos.BOTTOM;
            size = 1.15;
        } else if (back && v == VPos.NONE) {
            v = VPos.TOP;
            size = 0.8;
        }
        return new Match(new Place(h, v, size), end);
    }

    private Match relation(int i) {
        for (Lexicon.Pattern p : Lexicon.RELATIONS) {
            if (matches(i, p.words())) {
                if (p.kind() == Kind.INSIDE && p.words().equals(List.of("in")) && clothingFollows(i + 1)) {
                    return null;
                }
                return new Match(new Rel(p.kind(), p.sceneCapable(), HPos.NONE, VPos.NONE), i + p.words().size());
            }
        }
        return null;
    }

    private boolean relationAt(int i) {
        return i < tokens.size() && (place(i) != null || relation(i) != null);
    }

    /** "a woman in a red dress": "in" then a clothing word within the next few words is an attribute. */
    private boolean clothingFollows(int i) {
        for (int k = i; k < Math.min(tokens.size(), i + 5); k++) {
            Token t = tokens.get(k);
            if (t.punctuation() || Lexicon.AND.contains(t.text())) return false;
            if (Lexicon.CLOTHING.contains(Lexicon.singular(t.text()))) return true;
        }
        return false;
    }

    private Match pronoun(int i) {
        for (List<String> p : Lexicon.RECIPROCAL) {
            if (matches(i, p)) return new Match(new Pron(PronounKind.RECIPROCAL), i + p.size());
        }
        for (List<String> p : Lexicon.ALL_PRONOUNS) {
            if (matches(i, p) && !(Lexicon.DETERMINER_PRONOUNS.contains(String.join(" ", p)) && isContent(i + p.size()))) {
                return new Match(new Pron(PronounKind.ALL), i + p.size());
            }
        }
        for (List<String> p : Lexicon.LAST_PRONOUNS) {
            if (matches(i, p) && !(Lexicon.DETERMINER_PRONOUNS.contains(String.join(" ", p)) && isContent(i + p.size()))) {
                return new Match(new Pron(PronounKind.LAST), i + p.size());
            }
        }
        return null;
    }

    /** "and", "&", "plus", "or", "as well as", "along with", "together with" join a list. */
    private Match listJoint(int i, boolean inPhrase) {
        if (matches(i, List.of("as", "well", "as"))) return new Match(new And(), i + 3);
        if (matches(i, List.of("along", "with")) || matches(i, List.of("together", "with"))) {
            return new Match(new And(), i + 2);
        }
        if (Lexicon.AND.contains(word(i)) && !(inPhrase && colourJoin(i))) return new Match(new And(), i + 1);
        return null;
    }

    /** "black and white": "and" between two colours stays inside the phrase. */
    private boolean colourJoin(int i) {
        return i > 0 && i + 1 < tokens.size() && Lexicon.COLOURS.contains(word(i - 1))
                && Lexicon.COLOURS.contains(word(i + 1));
    }

    /** "a big, fluffy dog": a comma after an adjective, before more of the phrase, stays inside it. */
    private boolean commaJoinsAdjectives(int i) {
        return i > 0 && Lexicon.ADJECTIVES.contains(word(i - 1)) && isContent(i + 1)
                && !Lexicon.DETERMINERS.contains(word(i + 1)) && !Lexicon.NUMBERS.containsKey(word(i + 1))
                && !isNumber(word(i + 1));
    }

    /** Whether token {@code k} can continue a noun phrase. */
    private boolean isContent(int k) {
        if (k >= tokens.size()) return false;
        Token t = tokens.get(k);
        String w = t.text();
        return !t.punctuation() && !Lexicon.AND.contains(w) && !Lexicon.FILLERS.contains(w)
                && !Lexicon.BREAK_WORDS.contains(w) && place(k) == null && relation(k) == null;
    }

    // ---- pass 2: instances and relations ---------------------------------------------------------------------

    private record Pending(Kind kind, List<Integer> objects) {}

    private record ObjectRun(List<Integer> ids, String scene, int next) {}

    private void resolve(List<Element> els) {
        List<Integer> current = new ArrayList<>();
        boolean closed = false;
        boolean afterAnd = false;
        Place pendingPlace = null;
        Pending pendingRelation = null;
        for (int p = 0; p < els.size(); p++) {
            Element e = els.get(p);
            if (e instanceof Np np || e instanceof Pron) {
                List<Integer> ids = e instanceof Np np2 ? materialize(np2) : subjectPronoun(((Pron) e).kind());
                if (ids.isEmpty()) continue;
                if (afterAnd && !closed && !current.isEmpty()) {
                    current.addAll(ids);
                } else {
                    current = new ArrayList<>(ids);
                    closed = false;
                }
                afterAnd = false;
                if (pendingPlace != null) {
                    place(ids, pendingPlace.hpos(), pendingPlace.vpos(), pendingPlace.size());
                    pendingPlace = null;
                }
                if (pendingRelation != null) {
                    relate(pendingRelation.kind(), ids, pendingRelation.objects());
                    pendingRelation = null;
                }
            } else if (e instanceof And) {
                afterAnd = true;
            } else if (e instanceof Break br) {
                current = new ArrayList<>();
                closed = false;
                afterAnd = false;
                if (br.sentence()) {
                    pendingPlace = null;
                    pendingRelation = null;
                }
            } else if (e instanceof Place pl) {
                if (!current.isEmpty() && !afterAnd) {
                    place(current, pl.hpos(), pl.vpos(), pl.size());
                    closed = true;
                } else {
                    pendingPlace = pl;
                }
            } else if (e instanceof Rel rel) {
                List<Integer> subject = afterAnd ? List.of() : List.copyOf(current);
                ObjectRun run = objects(els, p + 1, rel, subject);
                p = run.next() - 1;
                afterAnd = false;
                if (subject.isEmpty()) {
                    // Inverted order: "next to the tree sits a dog", "in the sky, a bird".
                    if (run.scene() != null) {
                        Place scenePlace = scenePlace(rel, run.scene());
                        if (scenePlace != null) pendingPlace = scenePlace;
                    } else if (!run.ids().isEmpty()) {
                        pendingRelation = new Pending(rel.kind(), run.ids());
                    }
                    current = new ArrayList<>();
                    closed = false;
                    continue;
                }
                if (run.scene() != null) {
                    Place scenePlace = scenePlace(rel, run.scene());
                    if (scenePlace != null) place(subject, scenePlace.hpos(), scenePlace.vpos(), 1);
                } else {
                    relate(rel.kind(), subject, run.ids());
                    if (!run.ids().isEmpty()) current = new ArrayList<>(run.ids());
                }
                closed = true;
            }
        }
    }

    /** The objects of a relation: a pronoun, a scene noun, or noun phrases joined by "and". */
    private ObjectRun objects(List<Element> els, int q, Rel rel, List<Integer> subject) {
        if (rel.implicit() != null) return new ObjectRun(objectPronoun(rel.implicit(), subject), null, q);
        if (q >= els.size()) return new ObjectRun(List.of(), null, q);
        Element e = els.get(q);
        if (e instanceof Pron pr) return new ObjectRun(objectPronoun(pr.kind(), subject), null, q + 1);
        if (!(e instanceof Np np)) return new ObjectRun(List.of(), null, q);
        if (rel.sceneCapable()) {
            String scene = sceneNoun(np);
            if (scene != null) return new ObjectRun(List.of(), scene, q + 1);
        }
        List<Integer> ids = new ArrayList<>(materialize(np));
        int next = q + 1;
        while (next + 1 < els.size() && els.get(next) instanceof And && els.get(next + 1) instanceof Np more
                && (rel.kind() == Kind.BETWEEN || !startsClause(els, next + 2))) {
            ids.addAll(materialize(more));
            next += 2;
        }
        return new ObjectRun(ids, null, next);
    }

    private static boolean startsClause(List<Element> els, int r) {
        return r < els.size() && (els.get(r) instanceof Rel || els.get(r) instanceof Place);
    }

    private static Place scenePlace(Rel rel, String scene) {
        if (rel.hpos() != HPos.NONE || rel.vpos() != VPos.NONE) return new Place(rel.hpos(), rel.vpos(), 1);
        VPos v = Lexicon.SCENE_PLACEMENT.get(scene);
        boolean placing = rel.kind() == Kind.ON || rel.kind() == Kind.INSIDE || rel.kind() == Kind.NEXT_TO;
        return v != null && placing ? new Place(HPos.NONE, v, 1) : null;
    }

    private void relate(Kind kind, List<Integer> subject, List<Integer> objects) {
        List<Integer> obj = new ArrayList<>(objects);
        obj.removeAll(subject);
        if (obj.isEmpty() || subject.isEmpty()) return;
        if (kind == Kind.BETWEEN && obj.size() < 2) kind = Kind.NEXT_TO;
        relations.add(new Relation(kind, subject, obj));
    }

    private void place(List<Integer> ids, HPos h, VPos v, double size) {
        for (int id : ids) {
            Mention m = mentions.get(id).withPlacement(h, v);
            mentions.set(id, size == 1 ? m : m.withSize(size));
        }
    }

    private List<Integer> subjectPronoun(PronounKind kind) {
        return switch (kind) {
            case ALL -> range(0, mentions.size());
            case LAST -> groups.isEmpty() ? List.of() : groups.get(groups.size() - 1);
            case RECIPROCAL -> List.of();
        };
    }

    private List<Integer> objectPronoun(PronounKind kind, List<Integer> subject) {
        switch (kind) {
            case ALL -> {
                List<Integer> all = new ArrayList<>(range(0, mentions.size()));
                all.removeAll(subject);
                return all;
            }
            case LAST -> {
                for (int g = groups.size() - 1; g >= 0; g--) {
                    List<Integer> ids = new ArrayList<>(groups.get(g));
                    ids.removeAll(subject);
                    if (!ids.isEmpty()) return ids;
                }
                return List.of();
            }
            default -> {
                return List.of();
            }
        }
    }

    /** The scene noun of a phrase such as "a living room" or "the sky", or null when it names an object. */
    private String sceneNoun(Np np) {
        Prefix prefix = prefix(np);
        if (prefix.count() > 1 || prefix.rest() >= np.to()) return null;
        String head = Lexicon.singular(word(headIndex(prefix.rest(), np.to())));
        return Lexicon.SCENE.contains(head) ? head : null;
    }

    /** Determiner and count at the start of a phrase: where the rest starts, the count, whether it is definite. */
    private record Prefix(int rest, int count, boolean definite, boolean determined) {}

    private Prefix prefix(Np np) {
        int k = np.from();
        int count = 1;
        boolean definite = false;
        boolean determined = false;
        if (k < np.to() && Lexicon.DETERMINERS.contains(word(k))) {
            String d = word(k);
            definite = Lexicon.DEFINITE.contains(d) || d.equals("both");
            determined = true;
            if (d.equals("both")) count = 2;
            if (Lexicon.ARTICLES.contains(d) && k + 1 < np.to()) {
                String next = word(k + 1);
                if (next.equals("couple") && is(k + 2, "of")) return new Prefix(k + 3, 2, false, true);
                if (next.equals("few")) return new Prefix(k + 2, 3, false, true);
                if (next.equals("dozen") || next.equals("pair") || next.equals("hundred")) {
                    int n = Lexicon.NUMBERS.get(next);
                    return new Prefix(is(k + 2, "of") ? k + 3 : k + 2, n, false, true);
                }
            }
            k++;
        }
        if (k < np.to() && (Lexicon.NUMBERS.containsKey(word(k)) || isNumber(word(k)))) {
            String w = word(k);
            count = isNumber(w) ? parseCount(w, k) : Lexicon.NUMBERS.get(w);
            determined = true;
            k++;
            if (is(k, "of") && (w.equals("dozen") || w.equals("pair") || w.equals("hundred"))) k++;
        }
        return new Prefix(k, count, definite, determined);
    }

    /** The instances a noun phrase stands for: new ones, or the ones a definite phrase refers back to. */
    private List<Integer> materialize(Np np) {
        Prefix prefix = prefix(np);
        int from = prefix.rest();
        if (from >= np.to()) return List.of();
        int head = headIndex(from, np.to());
        String headNoun = Lexicon.singular(word(head));
        if (prefix.definite()) {
            for (int g = groups.size() - 1; g >= 0; g--) {
                if (mentions.get(groups.get(g).get(0)).head().equals(headNoun)) return groups.get(g);
            }
        }
        if (!prefix.determined() && !isObject(from, np.to())) return List.of();
        if (prefix.count() > MAX_COUNT) {
            throw new LayoutParseException(FORMAT, "character " + (tokens.get(np.from()).start() + 1),
                    "'" + text(np.from(), np.to()) + "' asks for " + prefix.count() + " instances; expected at most "
                            + MAX_COUNT + " from one phrase");
        }
        double size = 1;
        for (int k = from; k < np.to(); k++) {
            if (Lexicon.SMALL.contains(word(k))) size = 0.7;
            if (Lexicon.LARGE.contains(word(k))) size = 1.15;
        }
        String phrase = prefix.count() == 1 ? text(np.from(), np.to()) : singularPhrase(from, head, np.to());
        int group = groups.size();
        List<Integer> ids = new ArrayList<>();
        for (int c = 0; c < prefix.count(); c++) {
            ids.add(mentions.size());
            mentions.add(new Mention(phrase, headNoun, group, size, HPos.NONE, VPos.NONE));
        }
        groups.add(List.copyOf(ids));
        return groups.get(group);
    }

    /** Without a determiner, a phrase of only adjectives ("red") or with style words ("best quality") is no object. */
    private boolean isObject(int from, int to) {
        boolean allAdjectives = true;
        for (int k = from; k < to; k++) {
            String w = word(k);
            if (Lexicon.STYLE.contains(w)) return false;
            if (!Lexicon.ADJECTIVES.contains(w) && !Lexicon.INTENSIFIERS.contains(w) && !w.equals("very")) {
                allAdjectives = false;
            }
        }
        return !allAdjectives;
    }

    /** The head noun: the last word before an attribute link ("cup" in "a cup of coffee"). */
    private int headIndex(int from, int to) {
        for (int k = from + 1; k < to; k++) {
            if (Lexicon.ATTRIBUTE_LINKS.contains(word(k)) || (word(k).equals("in") && clothingFollows(k + 1))) {
                return k - 1;
            }
        }
        return to - 1;
    }

    /** "two red apples" as one instance's phrase: "a red apple". */
    private String singularPhrase(int from, int head, int to) {
        Token h = tokens.get(head);
        String original = prompt.substring(h.start(), h.end());
        String single = Lexicon.singular(h.text());
        if (!original.isEmpty() && Character.isUpperCase(original.charAt(0))) {
            single = Character.toUpperCase(single.charAt(0)) + single.substring(1);
        }
        String rest = prompt.substring(tokens.get(from).start(), h.start()) + single
                + prompt.substring(h.end(), tokens.get(to - 1).end());
        char first = Character.toLowerCase(rest.charAt(0));
        return ("aeiou".indexOf(first) >= 0 ? "an " : "a ") + rest;
    }

    private int parseCount(String w, int k) {
        try {
            return Integer.parseInt(w);
        } catch (NumberFormatException e) {
            throw new LayoutParseException(FORMAT, "character " + (tokens.get(k).start() + 1), "the count '" + w
                    + "' is too large; expected at most " + MAX_COUNT);
        }
    }

    private static boolean isNumber(String w) {
        if (w.isEmpty()) return false;
        for (int i = 0; i < w.length(); i++) {
            if (!Character.isDigit(w.charAt(i))) return false;
        }
        return true;
    }

    private String text(int from, int to) {
        return prompt.substring(tokens.get(from).start(), tokens.get(to - 1).end());
    }

    private String word(int k) {
        return k < tokens.size() ? tokens.get(k).text() : "";
    }

    private boolean is(int k, String w) {
        return k < tokens.size() && tokens.get(k).is(w);
    }

    private boolean matches(int i, List<String> words) {
        if (i + words.size() > tokens.size()) return false;
        for (int k = 0; k < words.size(); k++) {
            if (!tokens.get(i + k).is(words.get(k))) return false;
        }
        return true;
    }

    private static List<Integer> range(int from, int to) {
        List<Integer> r = new ArrayList<>();
        for (int i = from; i < to; i++) r.add(i);
        return r;
    }
}
