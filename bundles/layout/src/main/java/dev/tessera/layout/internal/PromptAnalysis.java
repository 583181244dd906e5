package dev.tessera.layout.internal;

import java.util.List;

/** What the rule-based grammar found in a prompt: the instances it mentions and how they relate. */
record PromptAnalysis(List<Mention> mentions, List<Relation> relations) {

    PromptAnalysis {
        mentions = List.copyOf(mentions);
        relations = List.copyOf(relations);
    }

    /** Horizontal placement words: "on the left", "on the right", "in the center". */
    enum HPos { NONE, LEFT, CENTER, RIGHT }

    /** Vertical placement words: "at the top", "at the bottom", "in the middle". */
    enum VPos { NONE, TOP, MIDDLE, BOTTOM }

    /** Relation words between instances. */
    enum Kind {
        LEFT_OF, RIGHT_OF, ABOVE, BELOW, NEXT_TO, BETWEEN,
        /** Overlapping relations: the subject is placed on its objects' box. */
        BEHIND, IN_FRONT, ON, INSIDE;

        boolean overlapping() {
            return this == BEHIND || this == IN_FRONT || this == ON || this == INSIDE;
        }
    }

    /**
     * One instance: its phrase, its head noun (singular, for "the cat" to find "a black cat"), the group of a
     * counted phrase ("two cats" is one group of two), a size factor from size words, and absolute placement.
     */
    record Mention(String phrase, String head, int group, double size, HPos hpos, VPos vpos) {
        Mention withPlacement(HPos h, VPos v) {
            return new Mention(phrase, head, group, size, h == HPos.NONE ? hpos : h, v == VPos.NONE ? vpos : v);
        }

        Mention withSize(double factor) {
            return new Mention(phrase, head, group, size * factor, hpos, vpos);
        }
    }

    /** {@code subjects} stand in relation {@code kind} to {@code objects} (for BETWEEN: left first, then the rest). */
    record Relation(Kind kind, List<Integer> subjects, List<Integer> objects) {
        Relation {
            subjects = List.copyOf(subjects);
            objects = List.copyOf(objects);
        }
    }
}
