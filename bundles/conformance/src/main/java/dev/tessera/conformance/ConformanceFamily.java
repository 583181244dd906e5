package dev.tessera.conformance;

import java.nio.file.Path;

/**
 * Runs the cases of one family of a conformance pack: the files under one top-level folder (its {@link #name()}).
 * A family without an implementation is reported as skipped; once a family has one, every case file of that
 * folder must be handled by one of its implementations or it fails.
 *
 * <p>Implementations are stateless DS components providing this interface (the conformance runner finds them at
 * run time); a bundle's tests may also hand instances to the runner directly, without OSGi.
 */
public interface ConformanceFamily {

    /** The pack's top-level folder this family runs (e.g. {@code schedulers}, {@code sd15}). */
    String name();

    /**
     * Whether this implementation runs {@code caseFile} (a file of this family's folder). Several implementations
     * may share a family, each handling some of its files; a file none handles fails.
     */
    default boolean handles(Path caseFile) {
        return true;
    }

    /**
     * Runs one case: loads its inputs, computes its outputs with the project's code on {@code context}'s device,
     * and compares them with the case's reference outputs.
     *
     * @param context the pack root and this case's tensor manager (closed by the runner after the case)
     * @throws Exception with a message naming the tensor or metadata key when the case cannot be read or
     *     interpreted; the runner reports the case as failed and goes on
     */
    CaseOutcome run(PackContext context, Path caseFile) throws Exception;
}
