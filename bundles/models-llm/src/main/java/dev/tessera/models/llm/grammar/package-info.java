/**
 * Decoding constrained to the MIGLoRA paper's layout grammar on a model's real token vocabulary:
 * {@link dev.tessera.models.llm.grammar.LayoutGrammar} (a byte automaton) and
 * {@link dev.tessera.models.llm.grammar.GrammarConstraint} (which tokens keep the text inside it).
 */
@Export
@Version("1.1.0")
package dev.tessera.models.llm.grammar;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
