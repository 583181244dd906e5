package dev.tessera.layout.internal;

import dev.tessera.layout.Box;
import dev.tessera.layout.internal.PromptAnalysis.HPos;
import dev.tessera.layout.internal.PromptAnalysis.Kind;
import dev.tessera.layout.internal.PromptAnalysis.Mention;
import dev.tessera.layout.internal.PromptAnalysis.Relation;
import dev.tessera.layout.internal.PromptAnalysis.VPos;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Places the instances of a {@link PromptAnalysis} on the canvas, deterministically.
 *
 * <ol>
 *   <li>An instance whose only relations are overlapping ones (behind, in front of, on, inside) and that has no
 *       place words is a <em>satellite</em> of its objects; every other instance is a <em>primary</em>.
 *   <li>Primaries get cells of a grid. Left/right/next to/between order columns, above/below order rows, place
 *       words order against every other primary; a relation that would contradict earlier ones is dropped. The grid
 *       starts near square (a single row for up to three instances) and grows until every primary has a cell
 *       that keeps the order, preferring the cell next to its partner and else its reading-order cell. Empty rows
 *       and columns are removed; "in the center" and lone "on the left" / "at the top" pad with empty ones.
 *   <li>Satellites carve their place out of their host's cell: on / behind take a band at the top that overlaps
 *       the host's top, in front of a band at the bottom, inside the middle of the host; several share the band.
 *   <li>Each box fills 80% of its region (scaled by size words), at most 1.6 times as wide as high or the reverse
 *       in pixels, and sits on the edge facing its partner when it overlaps one.
 * </ol>
 * Primaries therefore never overlap each other; only a satellite overlaps, and only its host.
 */
final class LayoutPlanner {

    private static final double FILL = 0.8;
    private static final double MAX_FILL = 0.95;
    private static final double MAX_ASPECT = 1.6;
    /** Share of the host's region a top or bottom band of satellites takes. */
    private static final double BAND = 0.4;
    /** How far a band reaches into the host's region, so the boxes overlap. */
    private static final double OVERLAP = 0.25;
    /** Above this much work for all-pairs path lengths, primaries go on a diagonal (still in order). */
    private static final long MAX_DISTANCE_WORK = 50_000_000L;

    private enum Anchor { CENTER, TOP, BOTTOM }

    private enum Band { ABOVE, BELOW, INNER }

    private record Region(double x1, double y1, double x2, double y2, Anchor anchor) {
        double w() {
            return x2 - x1;
        }

        double h() {
            return y2 - y1;
        }

        Region union(Region o) {
            return new Region(Math.min(x1, o.x1), Math.min(y1, o.y1), Math.max(x2, o.x2), Math.max(y2, o.y2), anchor);
        }

        boolean overlaps(Region o) {
            return Math.min(x2, o.x2) - Math.max(x1, o.x1) > 1e-12 && Math.min(y2, o.y2) - Math.max(y1, o.y1) > 1e-12;
        }
    }

    private final List<Mention> mentions;
    private final List<Relation> relations;
    private final int width;
    private final int height;
    private final int n;
    private final List<List<Integer>> host;
    private final Kind[] attachment;
    private final Region[] region;
    private final double[] kindFactor;

    private LayoutPlanner(PromptAnalysis analysis, int width, int height) {
        this.mentions = analysis.mentions();
        this.relations = analysis.relations();
        this.width = width;
        this.height = height;
        this.n = mentions.size();
        this.host = new ArrayList<>();
        for (int i = 0; i < n; i++) host.add(null);
        this.attachment = new Kind[n];
        this.region = new Region[n];
        this.kindFactor = new double[n];
        Arrays.fill(kindFactor, 1);
    }

    /** Boxes for the analysis' mentions, in order, on a {@code width} x {@code height} canvas. */
    static List<Box> plan(PromptAnalysis analysis, int width, int height) {
        LayoutPlanner p = new LayoutPlanner(analysis, width, height);
        p.chooseSatellites();
        p.placePrimaries();
        p.placeSatellites();
        return p.boxes();
    }

    // ---- satellites ------------------------------------------------------------------------------------------

    private void chooseSatellites() {
        boolean[] hasGrid = new boolean[n];
        for (Relation r : relations) {
            if (!r.kind().overlapping()) r.subjects().forEach(s -> hasGrid[s] = true);
        }
        for (int s = 0; s < n; s++) {
            Mention m = mentions.get(s);
            if (hasGrid[s] || m.hpos() != HPos.NONE || m.vpos() != VPos.NONE) continue;
            for (Relation r : relations) {
                if (!r.kind().overlapping() || !r.subjects().contains(s)) continue;
                List<Integer> hosts = new ArrayList<>(r.objects());
                hosts.remove(Integer.valueOf(s));
                if (hosts.isEmpty() || reaches(hosts, s)) continue;
                host.set(s, List.copyOf(hosts));
                attachment[s] = r.kind();
                break;
            }
        }
    }

    /** Whether following host links from {@code from} reaches {@code target} (attaching would make a cycle). */
    private boolean reaches(List<Integer> from, int target) {
        for (int h : from) {
            if (h == target || (host.get(h) != null && reaches(host.get(h), target))) return true;
        }
        return false;
    }

    private int root(int i) {
        while (host.get(i) != null) i = host.get(i).get(0);
        return i;
    }

    private boolean descendsFrom(int x, int ancestor) {
        if (x == ancestor) return true;
        List<Integer> h = host.get(x);
        if (h == null) return false;
        for (int y : h) {
            if (descendsFrom(y, ancestor)) return true;
        }
        return false;
    }

    // ---- primaries on a grid ---------------------------------------------------------------------------------

    /** A directed acyclic graph over primaries; an edge that would close a cycle is refused. */
    private static final class Dag {
        final List<List<Integer>> out = new ArrayList<>();
        final List<List<Integer>> in = new ArrayList<>();

        Dag(int size) {
            for (int i = 0; i < size; i++) {
                out.add(new ArrayList<>());
                in.add(new ArrayList<>());
            }
        }

        int edges;

        boolean add(int a, int b) {
            if (a == b || out.get(a).contains(b) || reachable(b, a)) return false;
            out.get(a).add(b);
            in.get(b).add(a);
            edges++;
            return true;
        }

        /** A topological order, earliest index first among the ready nodes. */
        List<Integer> order() {
            int size = out.size();
            int[] waiting = new int[size];
            for (int i = 0; i < size; i++) waiting[i] = in.get(i).size();
            PriorityQueue<Integer> ready = new PriorityQueue<>();
            for (int i = 0; i < size; i++) if (waiting[i] == 0) ready.add(i);
            List<Integer> order = new ArrayList<>(size);
            while (!ready.isEmpty()) {
                int x = ready.poll();
                order.add(x);
                for (int c : out.get(x)) if (--waiting[c] == 0) ready.add(c);
            }
            return order;
        }

        /** Longest path lengths {@code d[a][b]} in edges; -1 where b is not reachable from a. */
        int[][] distances() {
            int size = out.size();
            List<Integer> order = order();
            int[] position = new int[size];
            for (int k = 0; k < size; k++) position[order.get(k)] = k;
            int[][] d = new int[size][];
            for (int a = 0; a < size; a++) {
                int[] row = new int[size];
                Arrays.fill(row, -1);
                row[a] = 0;
                if (!out.get(a).isEmpty()) {
                    for (int k = position[a]; k < size; k++) {
                        int u = order.get(k);
                        if (row[u] < 0) continue;
                        for (int c : out.get(u)) row[c] = Math.max(row[c], row[u] + 1);
                    }
                }
                d[a] = row;
            }
            return d;
        }

        boolean reachable(int from, int to) {
            boolean[] seen = new boolean[out.size()];
            ArrayList<Integer> stack = new ArrayList<>(List.of(from));
            while (!stack.isEmpty()) {
                int x = stack.remove(stack.size() - 1);
                if (x == to) return true;
                if (seen[x]) continue;
                seen[x] = true;
                stack.addAll(out.get(x));
            }
            return false;
        }

        /** Longest path, in edges, from a source to each node. */
        int[] depth(List<Integer> order) {
            int[] d = new int[out.size()];
            for (int x : order) {
                for (int p : in.get(x)) d[x] = Math.max(d[x], d[p] + 1);
            }
            return d;
        }

        /** Longest path, in edges, from each node to a sink. */
        int[] height(List<Integer> order) {
            int[] h = new int[out.size()];
            for (int k = order.size() - 1; k >= 0; k--) {
                int x = order.get(k);
                for (int c : out.get(x)) h[x] = Math.max(h[x], h[c] + 1);
            }
            return h;
        }
    }

    private void placePrimaries() {
        List<Integer> primaries = new ArrayList<>();
        int[] index = new int[n];
        for (int i = 0; i < n; i++) {
            index[i] = -1;
            if (host.get(i) == null) {
                index[i] = primaries.size();
                primaries.add(i);
            }
        }
        int m = primaries.size();
        Dag h = new Dag(m);
        Dag v = new Dag(m);
        List<int[]> sameRow = new ArrayList<>();
        List<int[]> sameCol = new ArrayList<>();
        for (Relation r : relations) {
            addRelation(r, index, h, v, sameRow, sameCol);
        }
        addPlaceOrder(primaries, h, v);

        List<Integer> order = placementOrder(m, h, v);
        int[] hDepth = h.depth(h.order()), hHeight = h.height(h.order());
        int[] vDepth = v.depth(v.order()), vHeight = v.height(v.order());
        int hLen = 1 + Arrays.stream(hDepth).max().orElse(0);
        int vLen = 1 + Arrays.stream(vDepth).max().orElse(0);

        double aspect = (double) width / height;
        int c0 = m <= 3 ? (aspect >= 0.75 ? m : 1) : Math.max(1, Math.min(m, (int) Math.ceil(Math.sqrt(m * aspect))));
        int cols;
        int rows;
        if (vLen > 1) {
            rows = vLen;
            cols = Math.max(hLen, ceilDiv(m, rows));
        } else {
            cols = Math.max(hLen, c0);
            rows = ceilDiv(m, cols);
        }
        int[] col = new int[m];
        int[] row = new int[m];
        boolean placed = false;
        if (h.edges + v.edges == 0 || (long) m * (m + h.edges + v.edges) <= MAX_DISTANCE_WORK) {
            int[][] dh = h.distances(), dv = v.distances();
            while (!placed && cols <= 4 * m + 4 && rows <= 4 * m + 4) {
                placed = tryPlace(order, dh, dv, hDepth, hHeight, vDepth, vHeight, sameRow, sameCol, cols, rows, col,
                        row);
                if (!placed) {
                    if ((double) width / cols > (double) height / rows) cols++;
                    else rows++;
                }
            }
        }
        if (!placed) {
            // Always valid: every primary in its own column and row, in the order of each graph.
            List<Integer> ho = h.order(), vo = v.order();
            for (int k = 0; k < m; k++) {
                col[ho.get(k)] = k;
                row[vo.get(k)] = k;
            }
        }
        int[] size = compact(col, row);
        size = pad(primaries, col, row, size[0], size[1]);
        for (int k = 0; k < m; k++) {
            region[primaries.get(k)] = new Region((double) col[k] / size[0], (double) row[k] / size[1],
                    (double) (col[k] + 1) / size[0], (double) (row[k] + 1) / size[1], Anchor.CENTER);
        }
    }

    private void addRelation(Relation r, int[] index, Dag h, Dag v, List<int[]> sameRow, List<int[]> sameCol) {
        Kind kind = r.kind();
        if (kind == Kind.BETWEEN) {
            int left = index[root(r.objects().get(0))];
            for (int s : r.subjects()) {
                int a = index[root(s)];
                if (h.add(left, a)) sameRow.add(new int[] {a, left});
                for (int o : r.objects().subList(1, r.objects().size())) {
                    int b = index[root(o)];
                    if (h.add(a, b)) sameRow.add(new int[] {b, a});
                }
            }
            return;
        }
        for (int s : r.subjects()) {
            if (kind.overlapping() && host.get(s) != null) continue;
            // A primary with an overlapping relation keeps its sense without the overlap.
            Kind effective = switch (kind) {
                case ON, BEHIND -> Kind.ABOVE;
                case IN_FRONT -> Kind.BELOW;
                case INSIDE -> Kind.NEXT_TO;
                default -> kind;
            };
            for (int o : r.objects()) {
                int a = index[root(s)];
                int b = index[root(o)];
                if (a == b) continue;
                switch (effective) {
                    case LEFT_OF -> { if (h.add(a, b)) sameRow.add(new int[] {b, a}); }
                    case RIGHT_OF -> { if (h.add(b, a)) sameRow.add(new int[] {a, b}); }
                    // Side by side in reading order: the one mentioned first goes left.
                    case NEXT_TO -> {
                        int first = Math.min(a, b), second = Math.max(a, b);
                        if (h.add(first, second)) sameRow.add(new int[] {a, b});
                    }
                    case ABOVE -> { if (v.add(a, b)) sameCol.add(new int[] {b, a}); }
                    case BELOW -> { if (v.add(b, a)) sameCol.add(new int[] {a, b}); }
                    default -> { }
                }
            }
        }
    }

    /** "on the left" comes before every primary not also on the left, and so on for right, top and bottom. */
    private void addPlaceOrder(List<Integer> primaries, Dag h, Dag v) {
        for (int a = 0; a < primaries.size(); a++) {
            Mention s = mentions.get(primaries.get(a));
            for (int b = 0; b < primaries.size(); b++) {
                if (a == b) continue;
                Mention p = mentions.get(primaries.get(b));
                if (s.hpos() == HPos.LEFT && p.hpos() != HPos.LEFT) h.add(a, b);
                if (s.hpos() == HPos.RIGHT && p.hpos() != HPos.RIGHT) h.add(b, a);
                if (s.vpos() == VPos.TOP && p.vpos() != VPos.TOP) v.add(a, b);
                if (s.vpos() == VPos.BOTTOM && p.vpos() != VPos.BOTTOM) v.add(b, a);
            }
        }
    }

    /**
     * The order primaries are placed in: ready in both graphs first, earliest mention first; when the two graphs
     * together form a cycle ("top right" and "bottom" at once), the earliest remaining goes next.
     */
    private static List<Integer> placementOrder(int m, Dag h, Dag v) {
        int[] waiting = new int[m];
        for (int i = 0; i < m; i++) waiting[i] = h.in.get(i).size() + v.in.get(i).size();
        boolean[] done = new boolean[m];
        List<Integer> order = new ArrayList<>();
        while (order.size() < m) {
            int next = -1;
            for (int i = 0; i < m && next < 0; i++) if (!done[i] && waiting[i] == 0) next = i;
            for (int i = 0; i < m && next < 0; i++) if (!done[i]) next = i;
            done[next] = true;
            order.add(next);
            for (Dag d : List.of(h, v)) {
                for (int c : d.out.get(next)) waiting[c]--;
            }
        }
        return order;
    }

    /**
     * Puts each primary, in {@code order}, on the free cell nearest its partner (else its reading-order cell)
     * within the columns and rows its relations to the primaries already placed allow (longest paths {@code dh},
     * {@code dv}: a primary two steps right of another is at least two columns right of it).
     */
    private static boolean tryPlace(List<Integer> order, int[][] dh, int[][] dv, int[] hDepth, int[] hHeight,
            int[] vDepth, int[] vHeight, List<int[]> sameRow, List<int[]> sameCol, int cols, int rows, int[] col,
            int[] row) {
        boolean[][] taken = new boolean[rows][cols];
        boolean[] placed = new boolean[col.length];
        List<Integer> done = new ArrayList<>();
        for (int x : order) {
            int colLo = hDepth[x], colHi = cols - 1 - hHeight[x];
            int rowLo = vDepth[x], rowHi = rows - 1 - vHeight[x];
            for (int p : done) {
                if (dh[p][x] > 0) colLo = Math.max(colLo, col[p] + dh[p][x]);
                if (dh[x][p] > 0) colHi = Math.min(colHi, col[p] - dh[x][p]);
                if (dv[p][x] > 0) rowLo = Math.max(rowLo, row[p] + dv[p][x]);
                if (dv[x][p] > 0) rowHi = Math.min(rowHi, row[p] - dv[x][p]);
            }
            int prefRow = -1, prefCol = -1;
            for (int[] pair : sameRow) if (pair[0] == x && placed[pair[1]] && prefRow < 0) prefRow = row[pair[1]];
            for (int[] pair : sameCol) if (pair[0] == x && placed[pair[1]] && prefCol < 0) prefCol = col[pair[1]];
            int defCol = x % cols, defRow = x / cols;
            int best = Integer.MAX_VALUE, bestRow = -1, bestCol = -1;
            for (int r = Math.max(0, rowLo); r <= Math.min(rows - 1, rowHi); r++) {
                for (int c = Math.max(0, colLo); c <= Math.min(cols - 1, colHi); c++) {
                    if (taken[r][c]) continue;
                    int cost = Math.abs(r - defRow) + Math.abs(c - defCol);
                    if (prefRow >= 0) cost += 3 * Math.abs(r - prefRow);
                    if (prefCol >= 0) cost += 3 * Math.abs(c - prefCol);
                    if (cost < best) {
                        best = cost;
                        bestRow = r;
                        bestCol = c;
                    }
                }
            }
            if (bestRow < 0) return false;
            taken[bestRow][bestCol] = true;
            row[x] = bestRow;
            col[x] = bestCol;
            placed[x] = true;
            done.add(x);
        }
        return true;
    }

    /** Drops empty columns and rows; returns {columns, rows}. */
    private static int[] compact(int[] col, int[] row) {
        return new int[] {squeeze(col), squeeze(row)};
    }

    private static int squeeze(int[] pos) {
        int[] used = Arrays.stream(pos).distinct().sorted().toArray();
        for (int k = 0; k < pos.length; k++) pos[k] = Arrays.binarySearch(used, pos[k]);
        return used.length;
    }

    /** Empty columns and rows so that "in the center" is central and a lone "on the left" is left of center. */
    private int[] pad(List<Integer> primaries, int[] col, int[] row, int cols, int rows) {
        int centered = firstWith(primaries, m -> m.hpos() == HPos.CENTER);
        if (centered >= 0) {
            int left = col[centered], right = cols - 1 - col[centered];
            if (left < right) shift(col, right - left);
            cols += Math.abs(right - left);
        }
        int middle = firstWith(primaries, m -> m.vpos() == VPos.MIDDLE);
        if (middle >= 0) {
            int above = row[middle], below = rows - 1 - row[middle];
            if (above < below) shift(row, below - above);
            rows += Math.abs(below - above);
        }
        if (cols == 1 && firstWith(primaries, m -> m.hpos() == HPos.LEFT) >= 0) cols++;
        if (cols == 1 && firstWith(primaries, m -> m.hpos() == HPos.RIGHT) >= 0) {
            shift(col, 1);
            cols++;
        }
        if (rows == 1 && firstWith(primaries, m -> m.vpos() == VPos.TOP) >= 0) rows++;
        if (rows == 1 && firstWith(primaries, m -> m.vpos() == VPos.BOTTOM) >= 0) {
            shift(row, 1);
            rows++;
        }
        return new int[] {cols, rows};
    }

    private int firstWith(List<Integer> primaries, java.util.function.Predicate<Mention> test) {
        for (int k = 0; k < primaries.size(); k++) {
            if (test.test(mentions.get(primaries.get(k)))) return k;
        }
        return -1;
    }

    private static void shift(int[] pos, int by) {
        for (int k = 0; k < pos.length; k++) pos[k] += by;
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    // ---- satellites around their hosts -----------------------------------------------------------------------

    private record Group(List<Integer> hosts, Band band, List<Integer> members, int depth) {}

    private void placeSatellites() {
        List<Group> groups = new ArrayList<>();
        for (int s = 0; s < n; s++) {
            if (host.get(s) == null) continue;
            Band band = switch (attachment[s]) {
                case IN_FRONT -> Band.BELOW;
                case INSIDE -> Band.INNER;
                default -> Band.ABOVE;
            };
            kindFactor[s] = attachment[s] == Kind.ON ? 0.75 : 1;
            Group found = null;
            for (Group g : groups) {
                if (g.hosts().equals(host.get(s)) && g.band() == band) found = g;
            }
            if (found == null) {
                int hostDepth = 0;
                for (int h : host.get(s)) hostDepth = Math.max(hostDepth, depth(h));
                groups.add(new Group(host.get(s), band, new ArrayList<>(List.of(s)), hostDepth));
            } else {
                found.members().add(s);
            }
        }
        groups.sort(Comparator.comparingInt(Group::depth).thenComparing(Group::band)
                .thenComparingInt(g -> g.members().get(0)));
        for (Group g : groups) carve(g);
    }

    private int depth(int i) {
        int d = 0;
        while (host.get(i) != null) {
            i = host.get(i).get(0);
            d++;
        }
        return d;
    }

    private void carve(Group g) {
        // "in front of them" where "them" holds a bench and the people on it: the bench is the host.
        List<Integer> hosts = new ArrayList<>();
        for (int h : g.hosts()) {
            boolean underAnother = false;
            for (int o : g.hosts()) if (o != h && descendsFrom(h, o)) underAnother = true;
            if (!underAnother) hosts.add(h);
        }
        Region u = unionOf(hosts);
        if (hosts.size() > 1 && coversOthers(u, hosts)) {
            // The hosts are not neighbours: attach to the first so nothing unrelated is overlapped.
            hosts = List.of(hosts.get(0));
            u = region[hosts.get(0)];
        }
        Region band;
        switch (g.band()) {
            case ABOVE -> {
                double cut = u.y1() + BAND * u.h();
                band = new Region(u.x1(), u.y1(), u.x2(), cut + OVERLAP * u.h(), Anchor.BOTTOM);
                for (int h : hosts) {
                    Region r = region[h];
                    if (r.y1() < cut) region[h] = new Region(r.x1(), cut, r.x2(), r.y2(),
                            r.anchor() == Anchor.BOTTOM ? Anchor.CENTER : Anchor.TOP);
                }
            }
            case BELOW -> {
                double cut = u.y2() - BAND * u.h();
                band = new Region(u.x1(), cut - OVERLAP * u.h(), u.x2(), u.y2(), Anchor.TOP);
                for (int h : hosts) {
                    Region r = region[h];
                    if (r.y2() > cut) region[h] = new Region(r.x1(), r.y1(), r.x2(), cut,
                            r.anchor() == Anchor.TOP ? Anchor.CENTER : Anchor.BOTTOM);
                }
            }
            default -> {
                double cx = (u.x1() + u.x2()) / 2, cy = (u.y1() + u.y2()) / 2;
                double half = g.members().size() == 1 ? 0.25 : 0.3;
                band = new Region(cx - half * u.w(), cy - half * u.h(), cx + half * u.w(), cy + half * u.h(),
                        Anchor.CENTER);
            }
        }
        // A band holds its satellites side by side; the inside of a host holds them in a near-square grid.
        List<Integer> members = g.members();
        int perRow = g.band() == Band.INNER ? (int) Math.ceil(Math.sqrt(members.size())) : members.size();
        int bandRows = ceilDiv(members.size(), perRow);
        double pw = band.w() / perRow, ph = band.h() / bandRows;
        for (int k = 0; k < members.size(); k++) {
            int c = k % perRow, r = k / perRow;
            region[members.get(k)] = new Region(band.x1() + c * pw, band.y1() + r * ph, band.x1() + (c + 1) * pw,
                    band.y1() + (r + 1) * ph, band.anchor());
        }
    }

    private Region unionOf(List<Integer> ids) {
        Region u = region[ids.get(0)];
        for (int id : ids) u = u.union(region[id]);
        return u;
    }

    /** Whether {@code u} overlaps the region of an instance unrelated to {@code hosts}. */
    private boolean coversOthers(Region u, List<Integer> hosts) {
        for (int x = 0; x < n; x++) {
            if (region[x] == null || hosts.contains(x)) continue;
            boolean related = false;
            for (int h : hosts) {
                if (descendsFrom(h, x) || descendsFrom(x, h)) related = true;
            }
            if (!related && region[x].overlaps(u)) return true;
        }
        return false;
    }

    // ---- boxes -----------------------------------------------------------------------------------------------

    private List<Box> boxes() {
        List<Box> boxes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Region r = region[i];
            double fill = Math.min(MAX_FILL, FILL * mentions.get(i).size() * kindFactor[i]);
            double pw = fill * r.w() * width;
            double ph = fill * r.h() * height;
            if (ph > MAX_ASPECT * pw) ph = MAX_ASPECT * pw;
            if (pw > MAX_ASPECT * ph) pw = MAX_ASPECT * ph;
            double w = pw / width;
            double h = ph / height;
            double x1 = (r.x1() + r.x2()) / 2 - w / 2;
            double margin = (1 - fill) / 2 * r.h();
            double y1 = switch (r.anchor()) {
                case TOP -> r.y1() + margin;
                case BOTTOM -> r.y2() - margin - h;
                case CENTER -> (r.y1() + r.y2()) / 2 - h / 2;
            };
            boxes.add(Box.clipped(i, x1, y1, x1 + w, y1 + h));
        }
        return boxes;
    }
}
