/**
 * The shapes world (issue 12): small procedural scenes of coloured shapes on a light background, each with its
 * {@link dev.tessera.layout.Layout} (caption, phrases "a red circle", pixel-exact boxes), a deterministic generator
 * ({@link dev.tessera.shapes.SceneGenerator}: a scene is a function of (seed, index)), a rule-based detector that
 * finds the shapes again ({@link dev.tessera.shapes.ShapeDetector}), and layout-fidelity scoring with COCO-MIG's
 * rules ({@link dev.tessera.shapes.MigScore}, {@link dev.tessera.shapes.ScoreTable}). Pure Java; see
 * docs/shapes.md.
 */
@Export
@Version("1.0.0")
package dev.tessera.shapes;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
