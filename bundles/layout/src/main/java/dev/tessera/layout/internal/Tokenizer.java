package dev.tessera.layout.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Splits a prompt into words (letters, digits, apostrophes) and the punctuation that structures it
 * ({@code , ; . ! ? : ( ) &}). Hyphens and other symbols only separate words, so "top-left" reads as "top left";
 * phrases are later cut from the original text, so they keep their hyphens and case.
 */
final class Tokenizer {

    private Tokenizer() {}

    static List<Token> tokens(String prompt) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        int n = prompt.length();
        while (i < n) {
            char c = prompt.charAt(i);
            if (isWordChar(c)) {
                int start = i;
                while (i < n && isWordChar(prompt.charAt(i))) i++;
                String word = prompt.substring(start, i).toLowerCase(Locale.ROOT).replace('\u2019', '\'');
                tokens.add(new Token(word, start, i, false));
            } else {
                if (",;.!?:()[]&".indexOf(c) >= 0) {
                    // '&' joins lists like "and"; the lexicon reads it as a word.
                    tokens.add(new Token(String.valueOf(c), i, i + 1, c != '&'));
                }
                i++;
            }
        }
        return tokens;
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '\'' || c == '\u2019';
    }
}
