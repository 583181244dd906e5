package dev.tessera.itests;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import dev.tessera.graph.api.NodeType;
import dev.tessera.graph.engine.WorkflowEngine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.inject.Inject;
import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.Test;
import org.osgi.framework.ServiceRegistration;

/** The shell bundle's commands in Gogo's runtime, as a host's shell (Karaf's, or a Gogo console) runs them. */
public class ShellCommandsIT extends TesseraOsgiTestBase {

    @Inject
    private CommandProcessor processor;

    @Inject
    private WorkflowEngine engine;

    /** What one command printed, and its failure if it failed. */
    record Result(String out, String err, Exception failure) {
        @Override
        public String toString() {
            return "out:\n" + out + "\nerr:\n" + err + "\nfailure: " + failure;
        }
    }

    private Result shell(String line) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        Exception failure = null;
        try {
            session.execute(line);
        } catch (Exception e) {
            failure = e;
        } finally {
            session.close();
        }
        return new Result(out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), failure);
    }

    @Test
    public void runPrintsTheFilesWritten() throws Exception {
        engine.clearCache();
        Path workflow = TesseraFramework.repo().resolve("sample-workflows/image-roundtrip.json");
        Result r = shell("tessera:run " + workflow);
        assertEquals(r.toString(), null, r.failure());
        List<String> saved = r.out().lines().filter(l -> l.contains("image-roundtrip_")).toList();
        assertEquals(r.toString(), 1, saved.size());
        Path png = Paths.get("").toAbsolutePath().resolve(saved.get(0).strip());
        assertTrue(png + " is in the output folder", png.startsWith(TesseraFramework.home().resolve("output")));
        assertEquals(256, PngFile.read(Files.readAllBytes(png)).width());
    }

    @Test
    public void anInvalidWorkflowFailsTheCommandWithTheCliMessages() throws Exception {
        Path bad = TesseraFramework.home().resolve("shell-invalid.json");
        Files.writeString(bad, "{\"1\": {\"class_type\": \"NoSuchNode\", \"inputs\": {}}}");
        Result r = shell("tessera:run " + bad);
        assertTrue(r.toString(), r.failure() != null && r.failure().getMessage().contains("failed (exit 1)"));
        assertTrue(r.toString(), r.err().contains("node 1 has type 'NoSuchNode'"));
        assertTrue(r.toString(), !r.err().contains("\tat "));
    }

    @Test
    public void nodesListsTheNodeTypes() {
        Result r = shell("tessera:nodes");
        assertEquals(r.toString(), null, r.failure());
        assertTrue(r.toString(), r.out().contains("PrimitiveInt  (\"Int\", utils/primitive)"));
        assertTrue(r.toString(), r.out().contains("KSampler"));
    }

    @Test
    public void queueListsARunningWorkflowAndInterruptStopsIt() throws Exception {
        Result idle = shell("tessera:queue");
        assertEquals(idle.toString(), "no run in progress", idle.out().strip());
        assertEquals("no run in progress", shell("tessera:interrupt").out().strip());

        // A node that works until it is interrupted: the run stays in the queue until tessera:interrupt.
        BlockerNode blocker = new BlockerNode("ShellTestBlocker");
        ServiceRegistration<NodeType> registration = context.registerService(NodeType.class, blocker, null);
        try {
            await("the blocker node type in the engine", Duration.ofSeconds(20), () -> engine.nodeType("ShellTestBlocker").isPresent());
            Path workflow = TesseraFramework.home().resolve("shell-blocker.json");
            Files.writeString(workflow, "{\"1\": {\"class_type\": \"ShellTestBlocker\", \"inputs\": {}}}");
            CompletableFuture<Result> run = CompletableFuture.supplyAsync(() -> shell("tessera:run " + workflow));
            if (!blocker.started.await(30, TimeUnit.SECONDS)) fail("the blocker node did not start: " + (run.isDone() ? run.get() : "running"));
            Result queue = shell("tessera:queue");
            assertTrue(queue.toString(), queue.out().contains(workflow.toString()));
            assertEquals("interrupting 1 run", shell("tessera:interrupt").out().strip());
            Result ended = run.get(30, TimeUnit.SECONDS);
            assertTrue(ended.toString(), ended.failure() != null && ended.err().contains("was interrupted at"));
            assertEquals("no run in progress", shell("tessera:queue").out().strip());
        } finally {
            registration.unregister();
        }
    }
}
