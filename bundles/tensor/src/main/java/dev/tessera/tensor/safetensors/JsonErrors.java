package dev.tessera.tensor.safetensors;

/**
 * Gson's parse errors for people: one line, without its advice to programmers (setStrictness, the troubleshooting
 * link), which means nothing to someone with a broken model or config file. For safetensors headers and the JSON
 * files that come with model weights.
 */
public final class JsonErrors {

    private JsonErrors() {
    }

    /** The exception's message in one line, without Gson's hints; the position ("at line L column C") is kept. */
    public static String describe(Exception e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int see = msg.indexOf("\nSee ");
        if (see >= 0) msg = msg.substring(0, see);
        // JsonSyntaxException carries its cause's toString: the class name goes.
        msg = msg.replaceFirst("^(?:[a-z0-9_]+\\.)+[A-Za-z0-9_$]*(?:Exception|Error): ", "");
        msg = msg.replaceAll("Use JsonReader\\.setStrictness\\(\\S*\\) to accept malformed JSON", "unexpected character");
        return msg.replace('\n', ' ').strip();
    }
}
