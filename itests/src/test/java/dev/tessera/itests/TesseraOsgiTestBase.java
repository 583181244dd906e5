package dev.tessera.itests;

import dev.tessera.cli.CommandLine;
import java.io.IOException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import javax.inject.Inject;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerSuite;
import org.osgi.framework.BundleContext;

/**
 * Runs a test class inside the one framework of this JVM (libtorch loads once per process, so the framework is
 * shared by every class: {@link PerSuite}).
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerSuite.class)
public abstract class TesseraOsgiTestBase {

    @Inject
    protected BundleContext context;

    @Inject
    protected CommandLine cli;

    @Configuration
    public Option[] configuration() throws IOException {
        return TesseraFramework.options();
    }

    protected CliRun tessera(String... args) {
        return CliRun.of(cli, args);
    }

    /** Polls {@code condition} until it holds; fails naming {@code what} after {@code timeout}. */
    protected static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out after " + timeout + " waiting until " + what);
            Thread.sleep(50);
        }
    }
}
