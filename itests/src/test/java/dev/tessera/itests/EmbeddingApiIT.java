package dev.tessera.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.tessera.cli.ActiveRuns;
import dev.tessera.embed.Graph;
import dev.tessera.embed.OutputFile;
import dev.tessera.embed.Problem;
import dev.tessera.embed.RunEvent;
import dev.tessera.embed.RunListener;
import dev.tessera.embed.RunOutcome;
import dev.tessera.embed.WorkflowRun;
import dev.tessera.embed.WorkflowRunner;
import dev.tessera.graph.api.NodeType;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.inject.Inject;
import org.junit.Test;
import org.osgi.framework.ServiceRegistration;

/**
 * The embedding API ({@code dev.tessera.embed}) as a host bundle uses it: the {@link WorkflowRunner} service, a
 * workflow built in Java or given as JSON, progress through a listener, the PNG from the outcome, cancel, and bad
 * input answered with problems as values. Only the test's blocker node (a node type a host may register, as a
 * plugin does) and the check that tessera:queue lists a run use other packages of Tessera's.
 */
public class EmbeddingApiIT extends TesseraOsgiTestBase {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    @Inject
    private WorkflowRunner runner;

    /** The runs tessera:queue lists (the cli's exported service), to check embedded runs are among them. */
    @Inject
    private ActiveRuns activeRuns;

    /** Records what a run reports. */
    static final class Recorder implements RunListener {
        final List<RunEvent> events = new CopyOnWriteArrayList<>();
        final AtomicReference<RunOutcome> finished = new AtomicReference<>();

        @Override
        public void onEvent(RunEvent event) {
            events.add(event);
        }

        @Override
        public void onFinished(RunOutcome outcome) {
            finished.set(outcome);
        }

        List<RunEvent> of(RunEvent.Kind kind) {
            return events.stream().filter(e -> e.kind() == kind).toList();
        }
    }

    private static Graph roundtrip(int width, String prefix) {
        Graph g = new Graph();
        Graph.Node load = g.add("LoadImage").set("image", "mosaic.png");
        Graph.Node scale = g.add("ImageScale").link("image", load, 0).set("upscale_method", "lanczos")
                .set("width", width).set("height", 0).set("crop", "disabled");
        g.add("SaveImage").link("images", scale, 0).set("filename_prefix", prefix);
        return g;
    }

    @Test
    public void aGraphBuiltInJavaRunsWithProgressAndGivesThePng() throws Exception {
        Recorder recorder = new Recorder();
        // A width no other test uses, so the scale and the save execute rather than come from the engine's cache.
        WorkflowRun run = runner.submit(roundtrip(200, "embedded"), recorder);
        RunOutcome outcome = run.await(TIMEOUT);
        assertEquals(outcome.report(), RunOutcome.Status.SUCCEEDED, outcome.status());
        assertEquals(run.promptId(), outcome.promptId());
        assertTrue(outcome.problems().isEmpty());

        assertEquals(outcome.files().toString(), 1, outcome.files().size());
        OutputFile file = outcome.files().get(0);
        assertEquals("3", file.nodeId());
        assertEquals("images", file.key());
        assertEquals("output", file.folder());
        assertTrue(file.path() + " in the output folder", file.path().startsWith(TesseraFramework.home().resolve("output")));
        assertTrue(file.path().getFileName().toString().startsWith("embedded_"));
        byte[] png = file.bytes();
        assertEquals(200, PngFile.read(png).width());
        // SaveImage embeds the workflow it ran, as for any other submission.
        assertTrue(PngFile.read(png).texts().get("prompt").contains("\"ImageScale\""));
        BufferedImage image = file.image();
        assertEquals(200, image.getWidth());

        // Progress: STARTED first with the count, then each executed node in order with its place.
        assertEquals(RunEvent.Kind.STARTED, recorder.events.get(0).kind());
        List<RunEvent> nodes = recorder.of(RunEvent.Kind.NODE_STARTED);
        assertTrue(recorder.events.toString(), nodes.stream().anyMatch(e -> "2".equals(e.nodeId()) && "ImageScale".equals(e.classType())));
        RunEvent last = nodes.get(nodes.size() - 1);
        assertEquals(recorder.events.toString(), "3", last.nodeId());
        assertEquals(recorder.events.toString(), last.nodeCount(), last.nodeIndex());
        for (int i = 0; i < nodes.size(); i++) assertEquals(i + 1, nodes.get(i).nodeIndex());
        assertTrue(recorder.of(RunEvent.Kind.OUTPUT).stream().anyMatch(e -> "3".equals(e.nodeId())));
        assertEquals(outcome, recorder.finished.get());
        assertEquals(outcome, run.completion().toCompletableFuture().get(1, TimeUnit.SECONDS));
    }

    @Test
    public void theSampleWorkflowAsJsonAndThePngItWroteRunAgain() throws Exception {
        String json = Files.readString(TesseraFramework.repo().resolve("sample-workflows/image-roundtrip.json"));
        RunOutcome outcome = runner.submit(json, null).await(TIMEOUT);
        assertEquals(outcome.report(), RunOutcome.Status.SUCCEEDED, outcome.status());
        OutputFile saved = outcome.files().stream().filter(f -> f.folder().equals("output")).findFirst().orElseThrow();
        assertEquals(256, PngFile.read(saved.bytes()).width());
        assertTrue(outcome.files().toString(), outcome.files().stream().anyMatch(f -> f.nodeId().equals("5") && f.folder().equals("temp")));

        // The PNG holds its workflow (prompt chunk): a host can hand a result back as a workflow.
        RunOutcome again = runner.submit(saved.bytes(), saved.path().getFileName().toString(), null).await(TIMEOUT);
        assertEquals(again.report(), RunOutcome.Status.SUCCEEDED, again.status());
        assertTrue(runner.nodeTypes().contains("SaveImage"));
    }

    @Test
    public void badInputIsAnsweredWithProblemsNamingNodeAndInput() throws Exception {
        Graph g = roundtrip(-5, "bad");
        g.nodes().get("1").set("image", "no-such-image.png");
        Recorder recorder = new Recorder();
        RunOutcome outcome = runner.submit(g, recorder).await(Duration.ofSeconds(10));
        assertEquals(RunOutcome.Status.INVALID, outcome.status());
        assertTrue(outcome.files().isEmpty());
        Problem width = outcome.problems().stream().filter(p -> "width".equals(p.inputName())).findFirst()
                .orElseThrow(() -> new AssertionError(outcome.report()));
        assertEquals("2", width.nodeId());
        assertEquals("ImageScale", width.classType());
        assertEquals("value_smaller_than_min", width.type());
        assertTrue(width.message(), width.message().startsWith("node 2 (ImageScale) input 'width': value_smaller_than_min: "));
        assertTrue(width.message(), width.message().contains("-5"));
        Problem image = outcome.problems().stream().filter(p -> "image".equals(p.inputName())).findFirst()
                .orElseThrow(() -> new AssertionError(outcome.report()));
        assertEquals("1", image.nodeId());
        assertTrue(image.message(), image.message().startsWith("node 1 (LoadImage) input 'image': "));
        assertTrue(image.message(), image.message().contains("no-such-image.png"));
        assertFalse(outcome.report(), outcome.report().contains("\tat "));
        // Nothing ran: no events, only the outcome.
        assertTrue(recorder.events.toString(), recorder.events.isEmpty());
        assertEquals(outcome, recorder.finished.get());

        RunOutcome unknown = runner.submit("{\"1\": {\"class_type\": \"NoSuchNode\", \"inputs\": {}}}", null).await(Duration.ofSeconds(10));
        assertEquals(RunOutcome.Status.INVALID, unknown.status());
        assertTrue(unknown.report(), unknown.report().contains("node 1 has type 'NoSuchNode'"));

        RunOutcome notJson = runner.submit("{\"1\": {\"class_type\": ", null).await(Duration.ofSeconds(10));
        assertEquals(RunOutcome.Status.INVALID, notJson.status());
        assertEquals(notJson.report(), "invalid_json", notJson.problems().get(0).type());
        assertTrue(notJson.report(), notJson.report().contains("line 1"));
    }

    @Test
    public void cancelStopsARunningNodeAndTheOutcomeSaysWhere() throws Exception {
        BlockerNode blocker = new BlockerNode("EmbedTestBlocker");
        ServiceRegistration<NodeType> registration = context.registerService(NodeType.class, blocker, null);
        try {
            await("the blocker node type", Duration.ofSeconds(20), () -> runner.nodeTypes().contains("EmbedTestBlocker"));
            Recorder recorder = new Recorder();
            WorkflowRun run = runner.submit("{\"7\": {\"class_type\": \"EmbedTestBlocker\", \"inputs\": {}}}", recorder);
            if (!blocker.started.await(30, TimeUnit.SECONDS)) fail("the blocker did not start: " + recorder.events);
            await("progress events", Duration.ofSeconds(20), () -> recorder.of(RunEvent.Kind.PROGRESS).size() >= 2);
            RunEvent progress = recorder.of(RunEvent.Kind.PROGRESS).get(0);
            assertEquals("7", progress.nodeId());
            assertEquals("EmbedTestBlocker", progress.classType());
            assertEquals(BlockerNode.STEPS, progress.max());
            assertFalse(run.completion().toCompletableFuture().isDone());
            // The shell's view of the engine's runs lists it as it lists tessera:run's.
            assertTrue(activeRuns.list().toString(), activeRuns.list().stream()
                    .anyMatch(r -> r.promptId().equals(run.promptId()) && r.source().equals("embedded workflow")));
            run.cancel();
            RunOutcome outcome = run.await(Duration.ofSeconds(30));
            assertEquals(outcome.report(), RunOutcome.Status.INTERRUPTED, outcome.status());
            assertEquals("7", outcome.problems().get(0).nodeId());
            assertTrue(outcome.report(), outcome.report().startsWith("node 7 (EmbedTestBlocker): execution_interrupted"));
            assertNotNull(recorder.finished.get());
            assertTrue(activeRuns.list().toString(), activeRuns.list().isEmpty());
        } finally {
            registration.unregister();
        }
    }
}
