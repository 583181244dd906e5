package dev.tessera.layout;

/** Line and column of a character offset, as errors report it (both counting from 1). */
final class TextPosition {

    private TextPosition() {}

    static String of(String text, int offset) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < Math.min(offset, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return "line " + line + ", column " + column;
    }
}
