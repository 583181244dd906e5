package dev.tessera.graph.engine.internal;

import java.util.Comparator;

/** Orders node ids as people read them: numeric ids by value ("2" before "10"), then the rest by text. */
final class NodeIds {

    static final Comparator<String> ORDER = NodeIds::compare;

    private NodeIds() {
    }

    private static int compare(String a, String b) {
        boolean na = isNumber(a);
        boolean nb = isNumber(b);
        if (na && nb) {
            int byLength = Integer.compare(stripZeros(a).length(), stripZeros(b).length());
            if (byLength != 0) return byLength;
            int byDigits = stripZeros(a).compareTo(stripZeros(b));
            return byDigits != 0 ? byDigits : a.compareTo(b);
        }
        if (na != nb) return na ? -1 : 1;
        return a.compareTo(b);
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) return false;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        }
        return true;
    }

    private static String stripZeros(String s) {
        int i = 0;
        while (i < s.length() - 1 && s.charAt(i) == '0') i++;
        return s.substring(i);
    }
}
