package dev.tessera.models.llm.grammar;

import dev.tessera.models.llm.TokenConstraint;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a generation inside a {@link LayoutGrammar} on a real token vocabulary: before each token, every token whose
 * bytes would leave the grammar is masked. The vocabulary is walked in byte order, so tokens sharing a prefix share
 * the automaton steps over it and a dead prefix rejects all its tokens at once; the allowed set of each grammar state
 * is cached with the vocabulary (states repeat within and across generations, and so do the sets).
 *
 * <p>Not thread-safe: one constraint per generation ({@link #forGeneration} shares the sorted vocabulary).
 */
public final class GrammarConstraint implements TokenConstraint {

    private static final int CACHE_STATES = 256;

    /** The vocabulary sorted by bytes, shared by the constraints of one tokenizer. */
    public static final class Vocabulary {
        private final byte[][] bytes;
        private final int[] order;
        private final int[] sharedPrefix;
        private final int longest;
        /** Allowed tokens by (max instances, canonical state), shared by the generations over this vocabulary. */
        private final Map<List<Object>, BitSet> allowed = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<List<Object>, BitSet> eldest) {
                return size() > CACHE_STATES;
            }
        };

        /** @param tokenBytes per id the token's bytes; null or empty for tokens never allowed (special tokens) */
        public Vocabulary(byte[][] tokenBytes) {
            this.bytes = tokenBytes;
            this.order = java.util.stream.IntStream.range(0, tokenBytes.length)
                    .filter(i -> tokenBytes[i] != null && tokenBytes[i].length > 0).boxed()
                    .sorted((a, b) -> Arrays.compareUnsigned(tokenBytes[a], tokenBytes[b]))
                    .mapToInt(Integer::intValue).toArray();
            this.sharedPrefix = new int[order.length];
            int max = 0;
            for (int i = 0; i < order.length; i++) {
                byte[] t = tokenBytes[order[i]];
                max = Math.max(max, t.length);
                if (i > 0) {
                    byte[] p = tokenBytes[order[i - 1]];
                    int n = Math.min(t.length, p.length);
                    int k = 0;
                    while (k < n && t[k] == p[k]) {
                        k++;
                    }
                    sharedPrefix[i] = k;
                }
            }
            this.longest = max;
        }

        public int size() {
            return bytes.length;
        }

        /**
         * The vocabulary for layouts: the ordinary tokens' bytes, plus the special tokens that spell one of the
         * grammar's tags (tokenizers trained for layouts make {@code <layout>}, {@code <scap>}... special tokens).
         */
        public static Vocabulary forLayouts(byte[][] tokenBytes, Map<Integer, String> specialTokens) {
            byte[][] all = tokenBytes.clone();
            for (Map.Entry<Integer, String> special : specialTokens.entrySet()) {
                int id = special.getKey();
                if (id >= 0 && id < all.length && LayoutGrammar.TAGS.contains(special.getValue())) {
                    all[id] = special.getValue().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
            }
            return new Vocabulary(all);
        }

        /**
         * A stand-in vocabulary of {@code size} BPE-like pieces (the 256 single bytes, then random runs of 2-12
         * letters, digits and punctuation, a third with a leading space), for measuring the constraint at a real
         * vocabulary's size where no tokenizer of that size is at hand (benchmarks; deterministic in {@code seed}).
         */
        public static Vocabulary synthetic(int size, long seed) {
            java.util.Random random = new java.util.Random(seed);
            String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789      .,;:()<>/_-'\"";
            java.util.Set<String> pieces = new java.util.LinkedHashSet<>();
            for (int b = 0; b < 256 && pieces.size() < size; b++) {
                pieces.add(String.valueOf((char) b));
            }
            while (pieces.size() < size) {
                int length = 2 + Math.min(10, (int) Math.abs(random.nextGaussian() * 4));
                StringBuilder piece = new StringBuilder(random.nextInt(3) == 0 ? " " : "");
                while (piece.length() < length) {
                    piece.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                pieces.add(piece.toString());
            }
            return new Vocabulary(pieces.stream().map(p -> p.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
                    .toArray(byte[][]::new));
        }
    }

    private final LayoutGrammar grammar;
    private final Vocabulary vocabulary;
    private final StringBuilder text = new StringBuilder();
    private LayoutGrammar.State state;
    private long maskNanos;
    private int masks;

    private GrammarConstraint(LayoutGrammar grammar, Vocabulary vocabulary) {
        this.grammar = grammar;
        this.vocabulary = vocabulary;
        this.state = grammar.start();
    }

    /** A constraint for one generation of at most {@code maxInstances} instances. */
    public static GrammarConstraint forGeneration(Vocabulary vocabulary, int maxInstances) {
        return new GrammarConstraint(new LayoutGrammar(maxInstances), vocabulary);
    }

    @Override
    public void mask(float[] logits) {
        long start = System.nanoTime();
        BitSet ok;
        List<Object> key = List.of(grammar.maxInstances(), canonical(state));
        synchronized (vocabulary.allowed) {
            ok = vocabulary.allowed.get(key);
        }
        if (ok == null) {
            ok = allowedTokens(state);
            synchronized (vocabulary.allowed) {
                vocabulary.allowed.put(key, ok);
            }
        }
        for (int id = 0; id < logits.length; id++) {
            if (!ok.get(id)) {
                logits[id] = Float.NEGATIVE_INFINITY;
            }
        }
        maskNanos += System.nanoTime() - start;
        masks++;
    }

    @Override
    public void accept(int token) {
        byte[] b = token < vocabulary.bytes.length ? vocabulary.bytes[token] : null;
        LayoutGrammar.State s = state;
        for (int i = 0; b != null && i < b.length && s != null; i++) {
            s = grammar.next(s, b[i]);
        }
        if (b == null || b.length == 0 || s == null) {
            throw new IllegalStateException("token " + token + " leaves the layout grammar after '" + text + "'");
        }
        state = s;
        text.append(new String(b, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    @Override
    public boolean complete() {
        return grammar.accepts(state);
    }

    /** Mean time {@link #mask} took per token so far, in microseconds (the constraint's cost per token). */
    public double microsPerToken() {
        return masks == 0 ? 0 : maskNanos / 1e3 / masks;
    }

    /**
     * {@code s}, or an equivalent state with the same allowed tokens: inside a phrase, every length that leaves room
     * for the longest token allows the same tokens, so those lengths share one entry.
     */
    private LayoutGrammar.State canonical(LayoutGrammar.State s) {
        if (s.phase() == LayoutGrammar.Phase.PHRASE && s.at() >= 1
                && s.at() <= LayoutGrammar.MAX_PHRASE_BYTES - vocabulary.longest) {
            return new LayoutGrammar.State(s.phase(), 1, s.done(), s.coord(), s.form(), s.digits(), s.value(), s.x1(),
                    s.y1());
        }
        return s;
    }

    /** The tokens allowed in {@code from}: a walk over the byte-sorted vocabulary reusing shared prefixes. */
    BitSet allowedTokens(LayoutGrammar.State from) {
        BitSet ok = new BitSet(vocabulary.size());
        LayoutGrammar.State[] stack = new LayoutGrammar.State[vocabulary.longest + 1];
        stack[0] = from;
        int computed = 0; // stack[0..computed] hold the states after the previous token's first bytes (null: dead)
        for (int i = 0; i < vocabulary.order.length; i++) {
            int id = vocabulary.order[i];
            byte[] b = vocabulary.bytes[id];
            int depth = Math.min(vocabulary.sharedPrefix[i], computed);
            if (stack[depth] == null) {
                continue;
            }
            boolean alive = true;
            for (int j = depth; j < b.length; j++) {
                stack[j + 1] = grammar.next(stack[j], b[j]);
                computed = j + 1;
                if (stack[j + 1] == null) {
                    alive = false;
                    break;
                }
            }
            if (depth == b.length) {
                computed = depth;
            }
            if (alive) {
                ok.set(id);
            }
        }
        return ok;
    }
}
