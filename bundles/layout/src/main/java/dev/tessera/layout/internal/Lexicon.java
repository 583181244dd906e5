package dev.tessera.layout.internal;

import dev.tessera.layout.internal.PromptAnalysis.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The words the rule-based grammar knows. Everything else is part of a noun phrase. */
final class Lexicon {

    private Lexicon() {}

    static final Set<String> ARTICLES = Set.of("a", "an");
    static final Set<String> DEFINITE = Set.of("the", "this", "that", "these", "those");
    static final Set<String> DETERMINERS = Set.of("a", "an", "the", "this", "that", "these", "those", "some",
            "another", "his", "her", "their", "its", "my", "our", "your", "each", "every", "both");

    static final Map<String, Integer> NUMBERS = Map.ofEntries(Map.entry("one", 1), Map.entry("two", 2),
            Map.entry("three", 3), Map.entry("four", 4), Map.entry("five", 5), Map.entry("six", 6),
            Map.entry("seven", 7), Map.entry("eight", 8), Map.entry("nine", 9), Map.entry("ten", 10),
            Map.entry("eleven", 11), Map.entry("twelve", 12), Map.entry("thirteen", 13), Map.entry("fourteen", 14),
            Map.entry("fifteen", 15), Map.entry("sixteen", 16), Map.entry("seventeen", 17),
            Map.entry("eighteen", 18), Map.entry("nineteen", 19), Map.entry("twenty", 20), Map.entry("thirty", 30),
            Map.entry("forty", 40), Map.entry("fifty", 50), Map.entry("hundred", 100), Map.entry("several", 3),
            Map.entry("many", 5), Map.entry("multiple", 3), Map.entry("dozen", 12), Map.entry("pair", 2));

    static final Set<String> COLOURS = Set.of("red", "blue", "green", "yellow", "black", "white", "gray", "grey",
            "brown", "orange", "purple", "pink", "violet", "beige", "cyan", "magenta", "gold", "golden", "silver",
            "turquoise", "teal", "navy", "maroon", "crimson", "scarlet", "ivory", "tan", "olive", "lime", "indigo");
    static final Set<String> SMALL = Set.of("small", "little", "tiny", "miniature", "mini", "petite", "distant");
    static final Set<String> LARGE = Set.of("big", "large", "huge", "giant", "enormous", "massive", "tall", "gigantic",
            "vast", "wide");
    static final Set<String> ADJECTIVES = union(COLOURS, SMALL, LARGE, Set.of("fluffy", "furry", "old", "young",
            "new", "shiny", "wooden", "metal", "metallic", "glass", "plastic", "cute", "beautiful", "pretty", "ugly",
            "happy", "sad", "angry", "bright", "dark", "light", "pale", "striped", "spotted", "round", "square",
            "short", "long", "fat", "thin", "colored", "coloured", "vintage", "modern", "ancient", "wet", "dry",
            "hot", "cold", "fresh", "ripe", "sleepy", "elegant", "fancy", "simple", "soft", "hard", "smooth",
            "rough", "clean", "dirty", "empty", "full", "broken", "glowing", "transparent", "red-haired"));

    /** Words that make a phrase without a determiner a style tag, not an object ("best quality", "8k"). */
    static final Set<String> STYLE = Set.of("masterpiece", "quality", "detailed", "realistic", "photorealistic",
            "hyperrealistic", "4k", "8k", "hd", "uhd", "hdr", "cinematic", "lighting", "bokeh", "render", "rendered",
            "octane", "unreal", "trending", "artstation", "style", "resolution", "sharp", "focus", "professional",
            "photography", "award", "winning", "aesthetic", "illustration", "lowres", "highres", "dslr", "lens");

    /** Nouns that name the setting, not an object to box, after in / on / at ("in a living room"). */
    static final Set<String> SCENE = Set.of("room", "bedroom", "kitchen", "bathroom", "office", "classroom",
            "restaurant", "cafe", "park", "beach", "forest", "woods", "street", "road", "city", "town", "field",
            "meadow", "garden", "yard", "backyard", "desert", "ocean", "sea", "lake", "river", "sky", "background",
            "ground", "floor", "grass", "snow", "sand", "water", "space", "studio", "landscape", "countryside",
            "jungle", "farm", "style", "night", "daylight", "sunset", "sunlight", "rain", "fog", "air", "world",
            "universe", "scene", "setting", "foreground", "distance", "wild", "nature", "outdoors", "indoors",
            // Arrangements: "standing in a row" says how, not what.
            "row", "line", "circle", "formation", "queue");
    /** Scene nouns that also say where their subject sits ("a bird in the sky" is high). */
    static final Map<String, PromptAnalysis.VPos> SCENE_PLACEMENT = Map.ofEntries(
            Map.entry("sky", PromptAnalysis.VPos.TOP), Map.entry("air", PromptAnalysis.VPos.TOP),
            Map.entry("ground", PromptAnalysis.VPos.BOTTOM), Map.entry("floor", PromptAnalysis.VPos.BOTTOM),
            Map.entry("grass", PromptAnalysis.VPos.BOTTOM), Map.entry("sand", PromptAnalysis.VPos.BOTTOM),
            Map.entry("snow", PromptAnalysis.VPos.BOTTOM), Map.entry("water", PromptAnalysis.VPos.BOTTOM),
            Map.entry("road", PromptAnalysis.VPos.BOTTOM), Map.entry("street", PromptAnalysis.VPos.BOTTOM));

    /** Nouns that mean the picture itself ("on the left of the image" is an absolute place). */
    static final Set<String> IMAGE_WORDS = Set.of("image", "picture", "photo", "photograph", "frame", "scene",
            "canvas", "composition", "painting", "shot", "view", "drawing", "screen");
    /** Nouns that open a prompt about the picture: "a photo of", "an oil painting of". */
    static final Set<String> FRAME_NOUNS = union(IMAGE_WORDS, Set.of("rendering", "render", "illustration",
            "sketch", "snapshot", "closeup", "portrait", "still", "artwork", "art", "depiction", "image"));
    static final Set<String> FRAME_LINKS = Set.of("of", "with", "showing", "featuring", "depicting", "containing");

    /** Words that end a noun phrase and carry no meaning for the layout. */
    static final Set<String> FILLERS = Set.of("is", "are", "was", "were", "be", "been", "being", "there", "here",
            "which", "who", "whose", "also", "can", "could", "should", "will", "would", "seen", "shown", "visible",
            "placed", "located", "positioned", "situated", "set", "appears", "appear", "it's", "they're",
            "there's", "stands", "sits", "lies", "has", "have");
    /** Posture and motion verbs that are fillers when a relation follows ("a dog sleeping on a rug"). */
    static final Set<String> POSTURE = Set.of("sitting", "standing", "lying", "laying", "sleeping", "resting",
            "flying", "floating", "hanging", "perched", "parked", "walking", "running", "swimming", "grazing",
            "playing", "hiding", "leaning", "kept", "stacked", "sit", "stand", "lie", "rests", "flies", "floats",
            "hangs", "walks", "runs", "swims", "grazes", "plays", "hides", "leans", "stays", "waits", "waiting",
            "posing", "poses", "placed", "located", "positioned", "situated", "sits", "stands", "lies", "seated",
            "mounted", "displayed", "arranged", "lined", "crouching", "kneeling", "jumping", "climbing");
    /** Adverbs dropped before a relation ("right next to", "directly above"). */
    static final Set<String> INTENSIFIERS = Set.of("right", "directly", "just", "slightly", "immediately", "far",
            "partly", "partially", "also", "somewhat", "closely", "all", "exactly");

    /** Words inside a noun phrase that attach attributes, so the head noun is before them. */
    static final Set<String> ATTRIBUTE_LINKS = Set.of("with", "of", "wearing", "holding", "carrying", "made",
            "full", "filled", "covered", "dressed", "having", "containing", "showing", "bearing", "decorated");

    static final Set<String> AND = Set.of("and", "&", "plus", "or");
    static final Set<String> BREAK_WORDS = Set.of("while", "whereas", "but", "then", "where", "whilst");

    /** Pronouns that refer to every instance mentioned before (as an object: every one but the subject). */
    static final List<List<String>> ALL_PRONOUNS = words("all of them", "the others", "the other ones",
            "the rest", "everything else", "everything", "each of them", "them", "they", "both", "the group",
            "the two", "the pair", "these", "those");
    /** Pronouns for the last instance (or group) mentioned. */
    static final List<List<String>> LAST_PRONOUNS = words("it", "this one", "that one", "him", "her");
    /** Pronouns that are determiners when a noun follows ("both cats", "her hat"). */
    static final Set<String> DETERMINER_PRONOUNS = Set.of("both", "these", "those", "her", "the two", "the pair");
    /** Clothing: "in" before it is an attribute ("a woman in a red dress"), not containment. */
    static final Set<String> CLOTHING = Set.of("suit", "dress", "shirt", "t", "jacket", "coat", "hat", "uniform",
            "sweater", "costume", "robe", "gown", "jeans", "pants", "trousers", "skirt", "hoodie", "armor", "armour",
            "kimono", "tuxedo", "bikini", "swimsuit", "clothes", "outfit", "sunglasses", "boots", "scarf", "cape",
            "overalls", "vest", "apron", "pajamas", "raincoat", "sweatshirt", "blouse", "shorts", "helmet", "mask");
    /** Reciprocal pronouns: the relation holds within the subject list and adds no constraint. */
    static final List<List<String>> RECIPROCAL = words("each other", "one another");

    /** A relation written with fixed words. */
    record Pattern(List<String> words, Kind kind, boolean sceneCapable) {}

    static final List<Pattern> RELATIONS = sortedLongestFirst(List.of(
            p(Kind.ABOVE, false, "above", "over", "higher than", "up above"),
            p(Kind.BELOW, false, "below", "under", "beneath", "underneath", "lower than", "down below"),
            p(Kind.BEHIND, false, "behind", "in back of", "at the back of", "in the background behind"),
            p(Kind.IN_FRONT, false, "in front of"),
            p(Kind.NEXT_TO, false, "next to", "beside", "besides", "near", "nearby", "close to", "adjacent to",
                    "alongside", "by the side of", "against", "facing", "chasing", "looking at", "playing with",
                    "talking to", "hugging", "walking with", "fighting", "opposite", "opposite to", "across from",
                    "near to", "by"),
            p(Kind.NEXT_TO, true, "at"),
            p(Kind.BETWEEN, false, "between", "in between", "among", "amongst", "amid"),
            p(Kind.ON, true, "on", "upon", "onto", "atop", "riding", "on top of"),
            p(Kind.INSIDE, true, "in", "inside", "inside of", "within", "into")));

    /** Prepositions that open a place phrase: "on the left", "at the top of". */
    static final Set<String> PLACE_PREPOSITIONS = Set.of("on", "to", "at", "in", "towards", "toward");
    static final Set<String> PLACE_WORDS = Set.of("left", "right", "top", "bottom", "upper", "lower", "center",
            "centre", "middle", "front", "back", "background", "foreground", "left-hand", "right-hand");
    static final Set<String> PLACE_NOUNS = Set.of("side", "corner", "part", "half", "edge", "area", "end",
            "portion", "region", "section");

    static String singular(String word) {
        String w = word;
        String irregular = IRREGULAR.get(w);
        if (irregular != null) return irregular;
        if (w.length() > 4 && w.endsWith("ies")) return w.substring(0, w.length() - 3) + "y";
        if (w.endsWith("ches") || w.endsWith("shes") || w.endsWith("sses") || w.endsWith("xes") || w.endsWith("zes")) {
            return w.substring(0, w.length() - 2);
        }
        if (w.length() > 3 && w.endsWith("s") && !w.endsWith("ss") && !w.endsWith("us") && !w.endsWith("is")) {
            return w.substring(0, w.length() - 1);
        }
        return w;
    }

    private static final Map<String, String> IRREGULAR = Map.ofEntries(Map.entry("men", "man"),
            Map.entry("women", "woman"), Map.entry("people", "person"), Map.entry("children", "child"),
            Map.entry("mice", "mouse"), Map.entry("geese", "goose"), Map.entry("teeth", "tooth"),
            Map.entry("feet", "foot"), Map.entry("oxen", "ox"), Map.entry("knives", "knife"),
            Map.entry("wives", "wife"), Map.entry("leaves", "leaf"), Map.entry("loaves", "loaf"),
            Map.entry("wolves", "wolf"), Map.entry("shelves", "shelf"), Map.entry("calves", "calf"),
            Map.entry("halves", "half"), Map.entry("scarves", "scarf"), Map.entry("elves", "elf"),
            Map.entry("lives", "life"), Map.entry("cacti", "cactus"), Map.entry("tomatoes", "tomato"),
            Map.entry("potatoes", "potato"), Map.entry("heroes", "hero"), Map.entry("mangoes", "mango"),
            Map.entry("volcanoes", "volcano"), Map.entry("buses", "bus"), Map.entry("sheep", "sheep"),
            Map.entry("deer", "deer"), Map.entry("fish", "fish"), Map.entry("dice", "die"),
            Map.entry("glasses", "glass"), Map.entry("dresses", "dress"), Map.entry("boxes", "box"),
            Map.entry("horses", "horse"), Map.entry("houses", "house"), Map.entry("vases", "vase"),
            Map.entry("cases", "case"), Map.entry("bases", "base"), Map.entry("roses", "rose"),
            Map.entry("noses", "nose"), Map.entry("shoes", "shoe"), Map.entry("toes", "toe"),
            Map.entry("cookies", "cookie"), Map.entry("movies", "movie"), Map.entry("pies", "pie"),
            Map.entry("ties", "tie"), Map.entry("puppies", "puppy"), Map.entry("species", "species"),
            Map.entry("series", "series"), Map.entry("people's", "person's"), Map.entry("geese's", "goose's"));

    private static Pattern[] p(Kind kind, boolean scene, String... phrases) {
        Pattern[] out = new Pattern[phrases.length];
        for (int i = 0; i < phrases.length; i++) {
            out[i] = new Pattern(List.of(phrases[i].split(" ")), kind, scene);
        }
        return out;
    }

    private static List<Pattern> sortedLongestFirst(List<Pattern[]> groups) {
        List<Pattern> all = new ArrayList<>();
        groups.forEach(g -> all.addAll(List.of(g)));
        all.sort(Comparator.comparingInt((Pattern x) -> -x.words().size()));
        return List.copyOf(all);
    }

    private static List<List<String>> words(String... phrases) {
        List<List<String>> out = new ArrayList<>();
        for (String p : phrases) out.add(List.of(p.split(" ")));
        out.sort(Comparator.comparingInt(l -> -l.size()));
        return List.copyOf(out);
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        java.util.TreeSet<String> all = new java.util.TreeSet<>();
        for (Set<String> s : sets) all.addAll(s);
        return Set.copyOf(all);
    }
}
