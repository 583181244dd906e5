package dev.tessera.layout.internal;

/** A word or punctuation mark of a prompt: its lower-cased text and where it sits in the prompt. */
record Token(String text, int start, int end, boolean punctuation) {

    boolean is(String word) {
        return text.equals(word);
    }
}
